from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class JibTeam(models.TextChoices):
    """JIB back-office teams; each is a Django group of the same name."""

    LICENSING = "licensing", "Licensing"
    VERIFICATION = "verification", "Verification"
    PROCESSING = "processing", "Processing"
    FINANCE = "finance", "Finance"
    INVIGILATION = "invigilation", "Invigilation"
    TEAM_LEADER = "team_leader", "Team leader"
    MANAGER = "manager", "Manager"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login: portal user, JIB staff member or administrator."""

    email = models.EmailField("email address", unique=True)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    telephone = models.CharField(max_length=20, blank=True)
    # E.164, e.g. +447700900123. Required for two-factor sign-in.
    mobile = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("can use Django admin", default=False)
    is_jib_staff = models.BooleanField("JIB staff", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def masked_mobile(self) -> str:
        return f"ending {self.mobile[-3:]}" if self.mobile else "not set"


class SecondFactor(models.Model):
    """One-time-code state for a user: SMS codes (HOTP, counter per send) and an optional authenticator (TOTP)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    hotp_secret = models.CharField(max_length=64)
    hotp_counter = models.PositiveBigIntegerField(default=0)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_used = models.BooleanField(default=True)
    sends_in_window = models.PositiveIntegerField(default=0)
    send_window_started_at = models.DateTimeField(null=True, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_timestep = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Second factor of {self.user}"

    @property
    def has_authenticator(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)


class SmsMessage(models.Model):
    """The development outbox: every SMS the outbox backend 'sends'."""

    to = models.CharField(max_length=20)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"SMS to {self.to} at {self.created_at:%H:%M:%S}"


class Invitation(models.Model):
    """A link to set a password: works once, until it expires, and never after it is revoked.

    Only a hash of the link's secret is kept, so the table cannot be used to sign anyone in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.user} of {self.created_at:%d %B %Y}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
