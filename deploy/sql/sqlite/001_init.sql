-- Nimbus cloud-disk metadata, SQLite (the embedded default).
-- Applied once by nimbus-web in a transaction; the version is recorded in
-- schema_migrations. Keep in step with ../mysql/001_init.sql: the same
-- tables, columns and constraints, so both pass the same repository tests.

CREATE TABLE users (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL UNIQUE,
  pass_hash   TEXT    NOT NULL,           -- argon2id, libsodium's encoded form
  quota_bytes INTEGER NOT NULL,
  used_bytes  INTEGER NOT NULL DEFAULT 0, -- files in the tree and in the trash
  created_at  INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is stored: a leaked database does not
-- hand out sessions.
CREATE TABLE sessions (
  token_hash  TEXT    PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Stored content, one row per distinct SHA-256. refcount counts the nodes
-- that name the blob; a blob at 0 is collected (DFS file deleted, row
-- removed) by the orphan collector.
CREATE TABLE blobs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256      TEXT    NOT NULL UNIQUE,    -- lower-case hex
  file_id     TEXT    NOT NULL,           -- the DFS file ID
  size        INTEGER NOT NULL,
  refcount    INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX blobs_orphans ON blobs(refcount);

-- The folder tree. parent_id 0 is the user's root. live_name is name while
-- the node is in the tree and NULL once it is in the trash: the unique key
-- then allows trashed nodes to share names (NULLs never collide) without a
-- partial index, which MariaDB lacks. A node inside a trashed folder keeps
-- its live_name; only the root of a trashed subtree has trashed_at set.
CREATE TABLE nodes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  parent_id   INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  live_name   TEXT,
  is_dir      INTEGER NOT NULL,
  blob_id     INTEGER REFERENCES blobs(id),
  size        INTEGER NOT NULL DEFAULT 0,
  downloads   INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  trashed_at  INTEGER,
  UNIQUE (user_id, parent_id, live_name)
);
CREATE INDEX nodes_parent ON nodes(user_id, parent_id);
CREATE INDEX nodes_trash ON nodes(user_id, trashed_at);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  user_id     INTEGER,
  action      TEXT    NOT NULL,
  detail      TEXT    NOT NULL
);
