import { openStore } from "baton";
import { createStoreSuite } from "baton/testing";
import { tempStore } from "../helpers.js";

// The store conformance suite, on a new store of the kind under test for each test.
createStoreSuite(() => openStore(tempStore()));
