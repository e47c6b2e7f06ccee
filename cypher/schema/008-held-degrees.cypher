// A large node's count of one relationship type at any date (src/claims/held-degrees.ts), found by
// its key `<entity id>|<TYPE>|<OUT|IN>`.
CREATE CONSTRAINT held_degree_key IF NOT EXISTS FOR (h:HeldDegree) REQUIRE h.key IS UNIQUE;
