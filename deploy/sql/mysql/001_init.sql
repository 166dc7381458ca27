-- Nimbus cloud-disk metadata, MySQL / MariaDB (production).
-- The same tables as ../sqlite/001_init.sql; see the comments there.
-- utf8mb4 with a binary collation: names compare byte for byte, as on
-- SQLite, so "A" and "a" are different files.

CREATE TABLE users (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL UNIQUE,
  pass_hash   VARCHAR(255) NOT NULL,
  quota_bytes BIGINT       NOT NULL,
  used_bytes  BIGINT       NOT NULL DEFAULT 0,
  created_at  BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
  token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
  user_id     BIGINT       NOT NULL,
  created_at  BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL,
  KEY sessions_user (user_id),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE blobs (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256      CHAR(64)     NOT NULL UNIQUE,
  file_id     VARCHAR(255) NOT NULL,
  size        BIGINT       NOT NULL,
  refcount    BIGINT       NOT NULL,
  created_at  BIGINT       NOT NULL,
  KEY blobs_orphans (refcount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE nodes (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id     BIGINT       NOT NULL,
  parent_id   BIGINT       NOT NULL,
  name        VARCHAR(255) NOT NULL,
  live_name   VARCHAR(255),
  is_dir      TINYINT      NOT NULL,
  blob_id     BIGINT,
  size        BIGINT       NOT NULL DEFAULT 0,
  downloads   BIGINT       NOT NULL DEFAULT 0,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  trashed_at  BIGINT,
  UNIQUE KEY nodes_live (user_id, parent_id, live_name),
  KEY nodes_parent (user_id, parent_id),
  KEY nodes_trash (user_id, trashed_at),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (blob_id) REFERENCES blobs(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE audit_log (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          BIGINT       NOT NULL,
  user_id     BIGINT,
  action      VARCHAR(32)  NOT NULL,
  detail      TEXT         NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
