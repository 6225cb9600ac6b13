-- A graceful stop gives the attempt it interrupted back (max_attempts + 1), so the
-- bound on max_attempts is for what a client may ask, not for what releases add.
alter table jobs drop constraint jobs_max_attempts_check;
alter table jobs add constraint jobs_max_attempts_check check (max_attempts between 1 and 1000);
