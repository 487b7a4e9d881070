import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inline_jobs(settings):
    settings.ECS_RUN_JOBS_INLINE = True
