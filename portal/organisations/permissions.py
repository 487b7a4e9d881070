"""Portal permission flags and the named bundles the portal grants them in (user guide, appendix)."""

from django.db import models


class Flag(models.TextChoices):
    VIEW_EMPLOYEES = "can_view_employees", "Can View Employees"
    ADD_EMPLOYEES = "can_add_employees", "Can Add Employees"
    REMOVE_EMPLOYEES = "can_remove_employees", "Can Remove Employees"
    CHANGE_EMPLOYEE_DETAILS = "can_change_employee_details", "Can Change Employee Details"
    VIEW_PURCHASES = "can_view_purchases", "Can View Purchases"
    CREATE_PURCHASES = "can_create_purchases", "Can Create New Purchases"
    ADD_TO_PURCHASES = "can_add_to_purchases", "Can Add to Existing Purchases"
    COMPLETE_PURCHASES = "can_complete_purchases", "Can Complete Card Purchases"
    USE_FUNDS = "can_use_funds", "Can Use Funds"
    VIEW_APPLICATIONS = "can_view_applications", "Can View Card Applications"
    FILL_IN_APPLICATIONS = "can_fill_in_applications", "Can Fill In Applications"
    ENDORSE_GRADING = "can_endorse_grading", "Can Endorse Change in Grading"
    ENDORSE_QUALIFIED_SUPERVISOR = "can_endorse_qualified_supervisor", "Can Endorse Qualified Supervisor Status"
    ADD_USERS = "can_add_users", "Can Add Users"
    REMOVE_USERS = "can_remove_users", "Can Remove Users"
    CHANGE_USER_PERMISSIONS = "can_change_user_permissions", "Can Change User Permissions"
    RESET_USER_PASSWORDS = "can_reset_user_passwords", "Can Reset User Passwords"
    CREATE_COMPANY_GROUPS = "can_create_company_groups", "Can Create Company Groups"
    EDIT_EMPLOYER_DETAILS = "can_edit_employer_details", "Can Edit Employer Details"
    CREATE_CONTRACTS = "can_create_contracts", "Can Create Contracts as Client"
    ADD_SUBCONTRACTORS = "can_add_subcontractors", "Can Add Subcontractors"
    MANAGE_CONTRACT_WORKERS = "can_manage_contract_workers", "Can Add/Remove Contract Workers"
    VIEW_CONTRACTS = "can_view_contracts", "Can View Contract Details"


BUNDLES: dict[str, tuple[Flag, ...]] = {
    "Full Employee Access": (
        Flag.VIEW_EMPLOYEES,
        Flag.ADD_EMPLOYEES,
        Flag.REMOVE_EMPLOYEES,
        Flag.CHANGE_EMPLOYEE_DETAILS,
    ),
    "Full Purchasing Access": (
        Flag.VIEW_PURCHASES,
        Flag.CREATE_PURCHASES,
        Flag.ADD_TO_PURCHASES,
        Flag.COMPLETE_PURCHASES,
        Flag.USE_FUNDS,
    ),
    "Full Applications Access": (Flag.VIEW_APPLICATIONS, Flag.FILL_IN_APPLICATIONS),
    "Full Applications Endorsement Access": (Flag.ENDORSE_GRADING, Flag.ENDORSE_QUALIFIED_SUPERVISOR),
    "Full User Admin Access": (
        Flag.ADD_USERS,
        Flag.REMOVE_USERS,
        Flag.CHANGE_USER_PERMISSIONS,
        Flag.RESET_USER_PASSWORDS,
    ),
    "Full General Admin Access": (Flag.CREATE_COMPANY_GROUPS, Flag.EDIT_EMPLOYER_DETAILS),
    "ECS Check": (
        Flag.CREATE_CONTRACTS,
        Flag.ADD_SUBCONTRACTORS,
        Flag.MANAGE_CONTRACT_WORKERS,
        Flag.VIEW_CONTRACTS,
    ),
}

ALL_FLAGS: tuple[Flag, ...] = tuple(Flag)
