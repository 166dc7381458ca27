-- Instant upload challenges; see ../sqlite/003_challenges.sql.
CREATE TABLE challenges (
  id          CHAR(22)     NOT NULL PRIMARY KEY,
  user_id     BIGINT       NOT NULL,
  sha256      CHAR(64)     NOT NULL,
  size        BIGINT       NOT NULL,
  parent_id   BIGINT       NOT NULL,
  name        VARCHAR(255) NOT NULL,
  expected    CHAR(64)     NOT NULL,
  expires_at  BIGINT       NOT NULL,
  KEY challenges_expiry (expires_at),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
