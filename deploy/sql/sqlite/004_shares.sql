-- Share links. A share names one file of its owner; it stops working when
-- revoked, past expires_at (0: never), after max_downloads downloads (0:
-- no limit), or when the file leaves the tree. pass_hash is the argon2id
-- hash of the optional password (提取码). Public shares are listed on the
-- share square, ranked by downloads.
CREATE TABLE shares (
  code          TEXT    PRIMARY KEY,       -- random, 12 base64url characters
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  node_id       INTEGER NOT NULL,
  pass_hash     TEXT,
  is_public     INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  max_downloads INTEGER NOT NULL,
  downloads     INTEGER NOT NULL DEFAULT 0,
  revoked_at    INTEGER
);
CREATE INDEX shares_user ON shares(user_id);
CREATE INDEX shares_square ON shares(is_public, downloads);
