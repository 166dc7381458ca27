-- Instant upload (秒传) challenges: to add known content without sending
-- it, a client must prove it holds the bytes by hashing a random range of
-- the file with a random nonce. One row per challenge issued; used once.
CREATE TABLE challenges (
  id          TEXT    PRIMARY KEY,        -- random, 22 base64url characters
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sha256      TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  parent_id   INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  expected    TEXT    NOT NULL,           -- hex SHA-256(nonce || range)
  expires_at  INTEGER NOT NULL
);
CREATE INDEX challenges_expiry ON challenges(expires_at);
