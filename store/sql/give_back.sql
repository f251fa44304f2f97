-- Gives back to the file system the blocks that a failed write left free in the database
-- file. A checkpoint truncates the free blocks at the end of the file, but only when it
-- has a change to write, so a table is made and dropped first.
--   free space returned = (free blocks at the end of the file) × block size
CREATE OR REPLACE TABLE zq_give_back (x INTEGER);
DROP TABLE zq_give_back;
CHECKPOINT;
