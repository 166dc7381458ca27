-- Share links; see ../sqlite/004_shares.sql.
CREATE TABLE shares (
  code          CHAR(12)     NOT NULL PRIMARY KEY,
  user_id       BIGINT       NOT NULL,
  node_id       BIGINT       NOT NULL,
  pass_hash     VARCHAR(255),
  is_public     TINYINT      NOT NULL,
  created_at    BIGINT       NOT NULL,
  expires_at    BIGINT       NOT NULL,
  max_downloads BIGINT       NOT NULL,
  downloads     BIGINT       NOT NULL DEFAULT 0,
  revoked_at    BIGINT,
  KEY shares_user (user_id),
  KEY shares_square (is_public, downloads),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
