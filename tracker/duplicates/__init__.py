"""One project, one record (一项多码): likely duplicates and merging two records into one."""
