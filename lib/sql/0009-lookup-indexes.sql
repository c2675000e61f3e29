-- 0009-lookup-indexes: what is looked up once per party or per request
-- found by an index, so that exports and batches stay linear.
--
-- A party's requests by status and time, in the index alone: exports read,
-- per party, its latest request (last_contact), its open requests and
-- whether every one is junk; with the party's id alone in the index each
-- of those read the request rows, bodies and all. The wider index takes the
-- old one's place, so intake keeps one index to write per request.
--
-- The tasks of a request: marking a request junk (and assigning it) closes
-- its notices, which read every task once per request without this, so a
-- batch of junk took the square of the database (5,555 requests of 100,000
-- parties: minutes).

DROP INDEX request_party;
CREATE INDEX request_party ON request(party_id, status, received);
CREATE INDEX task_request ON task(request_id) WHERE request_id IS NOT NULL;
