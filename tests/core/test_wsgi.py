"""The web's entry point (portal/wsgi.py, what gunicorn loads)."""

import gc


def test_the_web_keeps_the_loaded_application_out_of_the_garbage_collectors_way():
    import portal.wsgi

    portal.wsgi.tune_garbage_collection()
    assert gc.get_freeze_count() > 10_000  # the loaded modules, models and settings
    assert gc.get_threshold()[0] == portal.wsgi.YOUNG_OBJECTS_BEFORE_COLLECTING
    assert callable(portal.wsgi.application)
