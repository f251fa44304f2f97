-- The settings that make a `zhuqi sql` session read-only in every sense (DOMAIN §7), run
-- on its connection after the table macros are created and before any statement of the
-- user: no file but the database is read or written (COPY, read_csv, read_text, glob,
-- EXPORT DATABASE, ATTACH of a file), no extension is installed or loaded, and the last
-- setting locks the configuration so no statement can undo the others.
SET enable_external_access = false;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET allow_community_extensions = false;
SET lock_configuration = true;
