-- Resumable uploads (tus 1.0.0); see ../sqlite/002_uploads.sql.
CREATE TABLE uploads (
  id            CHAR(22)     NOT NULL PRIMARY KEY,
  user_id       BIGINT       NOT NULL,
  parent_id     BIGINT       NOT NULL,
  name          VARCHAR(255) NOT NULL,
  length        BIGINT       NOT NULL,
  upload_offset BIGINT       NOT NULL,
  file_id       VARCHAR(255) NOT NULL,
  hash_state    VARCHAR(512) NOT NULL,
  created_at    BIGINT       NOT NULL,
  expires_at    BIGINT       NOT NULL,
  node_id       BIGINT,
  lease_owner   VARCHAR(32)  NOT NULL DEFAULT '',
  lease_until   BIGINT       NOT NULL DEFAULT 0,
  KEY uploads_expiry (expires_at),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
