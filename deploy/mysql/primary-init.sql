-- First start of mysql-primary: replication and syncwatch users, a table to verify, the heartbeat database.
CREATE USER 'replicator'@'%' IDENTIFIED WITH mysql_native_password BY 'replicator';
GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'%';
CREATE USER 'syncwatch'@'%' IDENTIFIED WITH mysql_native_password BY 'syncwatch';
CREATE DATABASE shop;
GRANT SELECT, INSERT, UPDATE, CREATE ON shop.* TO 'syncwatch'@'%';
GRANT REPLICATION CLIENT ON *.* TO 'syncwatch'@'%';
CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer VARCHAR(100) NOT NULL, total DECIMAL(12,2) NOT NULL, created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
INSERT INTO shop.orders (id, customer, total)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 10000) SELECT n, CONCAT('c', n % 97), n * 1.25 FROM g;
