-- The Prefect server keeps its state in its own database beside the application's.
CREATE DATABASE prefect OWNER ecs;
