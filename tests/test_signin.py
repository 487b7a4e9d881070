import pytest

from tests.conftest import sign_in
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_sign_in_with_both_factors_reaches_the_portal(client, primary_user):
    sign_in(client, primary_user.user)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert primary_user.organisation.name in response.text


@pytest.mark.django_db
def test_password_alone_reaches_nothing(client, primary_user):
    response = client.post("/accounts/sign-in/", {"email": primary_user.user.email, "password": PASSWORD})
    assert response.status_code == 302
    for url in ["/portal/", "/backoffice/", "/admin/", "/accounts/security/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.request["PATH_INFO"] == "/accounts/sign-in/", url
