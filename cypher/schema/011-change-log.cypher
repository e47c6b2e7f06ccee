// The change log (src/claims/change-log.ts): one entry per claim change, numbered by one head.
CREATE CONSTRAINT change_log_seq IF NOT EXISTS FOR (e:ChangeLogEntry) REQUIRE e.seq IS UNIQUE;
CREATE CONSTRAINT change_log_head_key IF NOT EXISTS FOR (h:ChangeLogHead) REQUIRE h.key IS UNIQUE;
