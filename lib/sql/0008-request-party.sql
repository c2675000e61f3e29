-- 0008-request-party: a party's requests by status and time, in the index
-- alone. Exports read, per party, its latest request (last_contact), its
-- open requests and whether every one is junk; with the party's id alone
-- in the index each of those read the request rows, bodies and all. The
-- wider index takes the old one's place, so intake keeps one index to
-- write per request.

DROP INDEX request_party;
CREATE INDEX request_party ON request(party_id, status, received);
