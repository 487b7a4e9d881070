"""National-scale back-office data for the benchmarks, made with bulk SQL on PostgreSQL.

    make_backoffice_data(finished_tasks=1_000_000, open_tasks=10_000)

Adds (once per database; a second call finds the marker organisation and reuses what is there):
- an organisation with `open_tasks` operatives, employments and card applications waiting for verification;
- a process and an open "Verify the application" task for each (in the Verification queue), a fifth of them held
  by the bench's verifiers, 50 by the bench's own verifier (for My work); about one in twenty renewals, so priority
  has something to find;
- `finished_tasks` finished tasks in history: finished card application processes of five tasks each (paid,
  verifying, verify, approve, dispatch), spread over two years, each for a case of its own (finished cases, whose
  applications are not made here); one in ten with a hold the employer answered;
- for one in seven open cases, a hold the employer answered (their verification is raised in priority);
- staff: a verifier and a team leader the benchmark signs in as;
- the work lists' stored terms of every open task (workflows.tasklist OpenTask: due date, priority, search words),
  made from the tasks as `manage.py rebuild_work_lists` does (bulk SQL does not pass through the task's signals).

Processes and tasks are written with INSERT … SELECT generate_series, so a million tasks take seconds to a minute.
"""

import time
from datetime import date, timedelta

MARKER = "Bench Back Office National Ltd"
HISTORY_STEPS = ("await_payment", "verifying", "verify", "approve", "dispatch")


def _log(message: str) -> None:
    print(message, flush=True)


def make_backoffice_data(*, finished_tasks: int = 1_000_000, open_tasks: int = 10_000) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from portal.accounts.models import JibTeam, User
    from portal.accounts.services import jib_staff_create
    from portal.applications.models import CardApplication
    from portal.employees.models import Employment
    from portal.organisations import services as org_services
    from portal.organisations.models import Organisation
    from portal.registry.models import Card, CardType, Operative
    from workflows.card_application.flows import VERIFY, CardApplicationFlow
    from workflows.tasklist.services import open_tasks_rebuild

    assert connection.vendor == "postgresql", "the national-scale data is made with PostgreSQL's generate_series"
    staff = {}
    for key, teams in (("verifier", [JibTeam.VERIFICATION]), ("leader", [JibTeam.TEAM_LEADER])):
        email = f"bench-{key}@jib.example"
        user = User.objects.filter(email=email).first() or jib_staff_create(
            email=email, first_name="Bench", last_name=key.capitalize(), mobile="+447700900999", teams=teams
        )
        staff[key] = user
    others = []
    for n in range(5):
        email = f"bench-verifier{n}@jib.example"
        others.append(
            User.objects.filter(email=email).first()
            or jib_staff_create(
                email=email,
                first_name="Verifier",
                last_name=f"Number {n}",
                mobile="+447700900998",
                teams=[JibTeam.VERIFICATION],
            )  # fmt: skip
        )

    if Organisation.objects.filter(name=MARKER).exists():
        _log("back-office data: already there")
        return staff

    started = time.perf_counter()
    today = date.today()
    flow_ref = get_flow_ref(CardApplicationFlow)
    content_type = ContentType.objects.get_for_model(CardApplication)
    with transaction.atomic():
        organisation = org_services.organisation_create(name=MARKER, postcode="M1 1AE")
        craft = CardType.objects.get(name="Craft or Related Disciplines")
        operatives = Operative.objects.bulk_create(
            Operative(first_name=f"Firstname{i}", last_name=f"Surname{i:05d}", date_of_birth=date(1980, 1, 1),
                      ni_number=f"BQ{i:06d}{'ABCD'[i % 4]}")
            for i in range(open_tasks)
        )  # fmt: skip
        cards = {
            o.pk: c
            for o, c in zip(
                operatives[::20],
                Card.objects.bulk_create(
                    Card(
                        operative=o,
                        card_type=craft,
                        number=f"B{i:08d}",
                        issued_on=today - timedelta(days=1000),
                        expires_on=today + timedelta(days=(i % 60) - 10),
                    )
                    for i, o in enumerate(operatives[::20])
                ),  # fmt: skip
                strict=True,
            )
        }
        employments = Employment.objects.bulk_create(
            Employment(operative=o, organisation=organisation, office=organisation.head_office,
                       started_on=date(2020, 1, 6))
            for o in operatives
        )  # fmt: skip
        creator = staff["leader"]
        applications = CardApplication.objects.bulk_create(
            CardApplication(
                reference=f"BQ{i:07d}", organisation=organisation, office=organisation.head_office, employment=e,
                operative=e.operative, card_type=craft,
                application_type="renewal" if e.operative_id in cards else "initial",
                renews_card=cards.get(e.operative_id), status=CardApplication.Status.VERIFYING, step=4,
                created_by=creator,
            )
            for i, e in enumerate(employments)
        )  # fmt: skip
        _log(f"  {len(applications)} card applications: {time.perf_counter() - started:.1f} s")
        first_app, last_app = applications[0].pk, applications[-1].pk

        with connection.cursor() as cur:
            # History: finished processes of five tasks each.
            processes = finished_tasks // len(HISTORY_STEPS)
            cur.execute(
                """
                INSERT INTO viewflow_process (flow_class, status, created, finished, data,
                                              artifact_content_type_id, artifact_object_id)
                SELECT %s, 'DONE', now() - (g %% 1051200) * interval '1 minute' - interval '3 days',
                       now() - (g %% 1051200) * interval '1 minute', '{}'::jsonb, %s, %s + g
                FROM generate_series(1, %s) AS g
                RETURNING id
                """,
                [flow_ref, content_type.pk, last_app + 1_000_000, processes],
            )
            ids = [row[0] for row in cur.fetchall()]
            low, high = min(ids), max(ids)
            _log(f"  {processes} finished processes: {time.perf_counter() - started:.1f} s")
            for n, step in enumerate(HISTORY_STEPS):
                node = getattr(CardApplicationFlow, step)
                cur.execute(
                    """
                    INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, assigned, started,
                                               finished, token, owner_id, owner_permission, process_id, data)
                    SELECT %s, 'HUMAN', 'DONE', p.created + %s * interval '12 hours',
                           p.created + %s * interval '12 hours', p.created + %s * interval '12 hours',
                           p.created + (%s + 1) * interval '12 hours', 'start', %s, %s, p.id, '{}'::jsonb
                    FROM viewflow_process p WHERE p.id BETWEEN %s AND %s
                    """,
                    [get_task_ref(node), n, n, n, n, staff["verifier"].pk if step == "verify" else None,
                     VERIFY if step == "verify" else None, low, high],
                )  # fmt: skip
                _log(f"  history tasks at {step}: {time.perf_counter() - started:.1f} s")

            # The queue: one open process per application and its verification task.
            cur.execute(
                """
                INSERT INTO viewflow_process (flow_class, status, created, data, artifact_content_type_id,
                                              artifact_object_id)
                SELECT %s, 'NEW', now() - (a.id %% 20) * interval '1 day', '{}'::jsonb, %s, a.id
                FROM applications_cardapplication a WHERE a.id BETWEEN %s AND %s
                RETURNING id
                """,
                [flow_ref, content_type.pk, first_app, last_app],
            )
            ids = [row[0] for row in cur.fetchall()]
            holders = [staff["verifier"].pk] + [user.pk for user in others]
            cur.execute(
                """
                INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, token, owner_id,
                                           owner_permission, process_id, data)
                SELECT %s, 'HUMAN',
                       CASE WHEN p.id %% 5 = 0 THEN 'ASSIGNED' ELSE 'NEW' END,
                       p.created + interval '1 hour', 'start',
                       CASE WHEN p.id %% 5 = 0 THEN (%s::int[])[1 + (p.id / 5) %% %s] END,
                       %s, p.id, '{}'::jsonb
                FROM viewflow_process p WHERE p.id BETWEEN %s AND %s
                """,
                [get_task_ref(CardApplicationFlow.verify), holders, len(holders), VERIFY, min(ids), max(ids)],
            )
            # Holds the employer answered: one in ten finished cases, one in seven open ones.
            cur.execute(
                """
                INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, finished, token,
                                           owner_permission, process_id, data)
                SELECT %s, 'HUMAN', 'DONE', p.created, p.created + interval '2 days', 'start',
                       'organisations.can_fill_in_applications', p.id, '{}'::jsonb
                FROM viewflow_process p
                WHERE (p.id BETWEEN %s AND %s AND p.id %% 10 = 0) OR (p.id BETWEEN %s AND %s AND p.id %% 7 = 0)
                """,
                [get_task_ref(CardApplicationFlow.await_supply), low, high, min(ids), max(ids)],
            )
            # My work: 50 tasks for the bench's own verifier (the others hold the rest of the held fifth).
            cur.execute(
                """
                UPDATE viewflow_task SET owner_id = %s, status = 'ASSIGNED'
                WHERE id IN (SELECT id FROM viewflow_task WHERE process_id BETWEEN %s AND %s
                             AND status = 'NEW' ORDER BY id LIMIT 50)
                """,
                [staff["verifier"].pk, min(ids), max(ids)],
            )
            cur.execute("ANALYZE viewflow_task; ANALYZE viewflow_process; ANALYZE applications_cardapplication")
        made = open_tasks_rebuild()
        with connection.cursor() as cur:
            cur.execute("ANALYZE tasklist_opentask")
        _log(f"  {made} open tasks in the work lists: {time.perf_counter() - started:.1f} s")
        _log(f"back-office data: {finished_tasks} finished tasks, {open_tasks} open: "
             f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    with connection.cursor() as cur:  # as autovacuum leaves a table after a day's work: counts read its indexes alone
        cur.execute("VACUUM ANALYZE tasklist_opentask")
    return staff
