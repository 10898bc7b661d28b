-- A verified domain is un-verified only after its scheduled checks have failed repeatedly over a day (the owner is
-- mailed first), so a short outage of the customer's site does not take the widget off it.

ALTER TABLE "Domains" ADD COLUMN "FailingSince" INTEGER NULL;
ALTER TABLE "Domains" ADD COLUMN "FailedChecks" INTEGER NOT NULL DEFAULT 0;
