-- A well-formed UTF-8 CSV is compared with the current versions line by line, before any
-- parsing (pipeline/digest.go): its raw hashes are now hashes of the lines as written.

COMMENT ON COLUMN ticket_versions.raw_hash IS 'Hash of the source row as read, with the configuration in force: for a well-formed UTF-8 CSV the CRC-32s (Castagnoli and IEEE) of its line, seeded with the header, otherwise a hash of its cells in canonical column order and its unknown columns. A later export whose row has the same raw hash as the current version is skipped without parsing; NULL for versions stored before this column existed.';
