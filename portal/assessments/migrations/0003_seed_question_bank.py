from django.db import migrations

LETTERS = "abcd"


def arranged(index: int, row: tuple) -> dict:
    """The row's answers turned by its position, so the correct letter is spread over A to D."""
    topic, text, *choices, correct = row
    shift = index % 4
    turned = choices[shift:] + choices[:shift]
    return {
        "topic": topic,
        "text": text,
        "choice_a": turned[0],
        "choice_b": turned[1],
        "choice_c": turned[2],
        "choice_d": turned[3],
        "correct": LETTERS[(LETTERS.index(correct) - shift) % 4],
    }


def load(apps, schema_editor):
    from portal.assessments.question_bank import BANK

    AssessmentType = apps.get_model("assessments", "AssessmentType")
    Question = apps.get_model("assessments", "Question")
    for code, rows in BANK.items():
        assessment_type = AssessmentType.objects.get(code=code)
        if Question.objects.filter(assessment_type=assessment_type).exists():
            continue
        Question.objects.bulk_create(
            Question(assessment_type=assessment_type, **arranged(i, row)) for i, row in enumerate(rows)
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_seed_assessment_types")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
