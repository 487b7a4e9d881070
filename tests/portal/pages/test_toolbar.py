"""The toolbar: the guide's sections as drop-down menus (<details>, so they open without script), only the links
the user's flags open, and no section that has nothing to open."""

import re

import pytest

from portal.organisations.permissions import Flag
from tests.conftest import sign_in
from tests.factories import PortalUserFactory

pytestmark = pytest.mark.django_db


def toolbar(page: str) -> str:
    return re.search(r'<nav class="ecs-nav".*?</nav>', page, re.S).group(0)


def menu(nav: str, label: str) -> str:
    found = re.search(rf"<summary[^>]*>{re.escape(label)}<.*?</details>", nav, re.S)
    assert found, f"no {label} menu"
    return found.group(0)


def test_the_sections_of_the_guide_as_menus(portal_client):
    nav = toolbar(portal_client.get("/portal/").text)
    employees = menu(nav, "Employees")
    assert 'href="/portal/employees/">Current Employees' in employees
    assert 'href="/portal/employees/cards/expiring/">With Cards Expiring Soon' in employees
    assert 'href="/portal/employees/add/">Add New Employee' in employees
    assert "Applications Being Produced" in menu(nav, "Applications")
    assert "Administer Users" in menu(nav, "Administration")
    orders = menu(nav, "Orders")
    for label in ("Orders Requiring Attention", "Orders Being Fulfilled", "Financial History",
                  "Create a New Empty Order", "Create New Advance Order"):  # fmt: skip
        assert label in orders
    contracts = menu(nav, "Contracts")
    for label in ("Contracts Being Set Up", "Contracts in Progress", "Contracts Completed", "Create New Contract"):
        assert label in contracts
    assert 'href="/portal/assessments/">ECS Assessments' in nav


def test_only_what_the_user_may_open(client, organisation):
    viewer = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_EMPLOYEES, Flag.RESET_USER_PASSWORDS])
    nav = toolbar(sign_in(client, viewer.user).get("/portal/").text)
    employees = menu(nav, "Employees")
    assert "Current Employees" in employees and "Add New Employee" not in employees
    assert menu(nav, "Administration").count("<li>") == 1 and "Administer Users" in nav
    assert "Applications" not in nav and "Orders" not in nav


def test_every_menu_link_opens_for_the_user(client, organisation):
    viewer = PortalUserFactory(organisation=organisation, flags=[Flag.VIEW_PURCHASES, Flag.VIEW_APPLICATIONS])
    sign_in(client, viewer.user)
    nav = toolbar(client.get("/portal/").text)
    links = re.findall(r'class="ecs-nav__(?:sub)?link" href="([^"]+)"', nav)
    assert len(links) == 8  # home, three application lists, ECS Assessments, three order lists
    for url in links:
        assert client.get(url).status_code == 200, url


def test_the_open_section_is_marked(portal_client):
    nav = toolbar(portal_client.get("/portal/orders/financial-history/").text)
    assert re.search(r'ecs-nav__item--active">\s*<details[^>]*>\s*<summary[^>]*>Orders', nav)
    assert 'href="/portal/orders/financial-history/" aria-current="page"' in nav
