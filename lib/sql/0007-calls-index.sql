-- 0007-calls-index: calls are found by their party (call_party) and by
-- their ref, never by the other end's number: contact_point maps numbers to
-- parties. The number index cost a random B-tree insert for every call.
-- (Installing this also rebuilds the audit triggers, which now log only the
-- columns an update changed.)

DROP INDEX call_number;
