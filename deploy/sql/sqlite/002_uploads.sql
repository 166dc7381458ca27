-- Resumable uploads (tus 1.0.0). One row per upload in progress or
-- recently completed; the bytes go to a DFS appender file as they arrive.
-- The quota for `length` is charged when the upload is created and handed
-- to the file when it completes (or released on termination/expiry).
-- hash_state is the SHA-256 state after `upload_offset` bytes, so the
-- content hash survives a nimbus-web restart without reading the file back.
-- lease_owner/lease_until: the nimbus-web process appending to it now.
CREATE TABLE uploads (
  id            TEXT    PRIMARY KEY,       -- random, 22 base64url characters
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  parent_id     INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  length        INTEGER NOT NULL,
  upload_offset INTEGER NOT NULL,
  file_id       TEXT    NOT NULL,          -- the DFS appender file
  hash_state    TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  node_id       INTEGER,                   -- set when complete
  lease_owner   TEXT    NOT NULL DEFAULT '',
  lease_until   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX uploads_expiry ON uploads(expires_at);
