"""How each awarding body's certificates can be recognised: the names it prints and its certificate-number shape
(reference data: editable in admin afterwards)."""

from django.db import migrations, models

SHAPES = {
    # code: (other printed names, certificate number pattern)
    "city-and-guilds": (["City and Guilds", "City and Guilds of London Institute"], r"CG\d{6}"),
    "eal": (["Excellence, Achievement & Learning"], r"EAL\d{6}"),
    "lcl-awards": ([], r"LCL\d{6}"),
    "nocn": (["NOCN Group"], r"NOC\d{6}"),
    "bpec": (["BPEC Certification"], r"BP\d{6}"),
    "net": (["NET", "National Electrotechnical Training"], r"AM2S?\d{6}"),
}


def seed(apps, schema_editor):
    AwardingBody = apps.get_model("registry", "AwardingBody")
    for code, (names, pattern) in SHAPES.items():
        AwardingBody.objects.filter(code=code).update(printed_names="\n".join(names), number_pattern=pattern)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_card_grade_card_occupation")]

    operations = [
        migrations.AddField(
            model_name="awardingbody",
            name="printed_names",
            field=models.TextField(
                blank=True,
                help_text="Other names the body prints on its certificates, one a line (read by the OCR).",
            ),
        ),
        migrations.AddField(
            model_name="awardingbody",
            name="number_pattern",
            field=models.CharField(
                blank=True,
                help_text="A regular expression every certificate number of this body matches in full (read by "
                "the OCR).",
                max_length=100,
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
