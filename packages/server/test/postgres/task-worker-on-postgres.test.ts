// The task worker tests again, on PostgreSQL (the test script sets BATON_TEST_STORE=postgres for this folder).
import "../task-worker.test.js";
