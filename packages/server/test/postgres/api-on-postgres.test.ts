// The API tests again, on PostgreSQL (the test script sets BATON_TEST_STORE=postgres for this folder).
import "../runs-api.test.js";
import "../bad-requests.test.js";
import "../fuzz.test.js";
