-- name: AlertStates :many
-- AlertStates lists every rule's saved state.
SELECT Rule, Key, Firing, Since, Notified, Deliveries FROM AlertStates
ORDER BY Rule;

-- name: SaveAlertState :exec
-- SaveAlertState stores one rule's state, replacing what was saved of it.
INSERT INTO AlertStates (Rule, Key, Firing, Since, Notified, Deliveries, SavedAt)
VALUES (sqlc.arg(rule), sqlc.arg(key), sqlc.arg(firing), sqlc.narg(since), sqlc.narg(notified), sqlc.arg(deliveries), now())
ON CONFLICT (Rule) DO UPDATE
SET Key = EXCLUDED.Key, Firing = EXCLUDED.Firing, Since = EXCLUDED.Since,
    Notified = EXCLUDED.Notified, Deliveries = EXCLUDED.Deliveries, SavedAt = now();

-- name: ForgetAlertStates :exec
-- ForgetAlertStates deletes the state of every rule not named in rules
-- (rules deleted from the configuration).
DELETE FROM AlertStates WHERE NOT (Rule = ANY(sqlc.arg(rules)::text[]));

-- name: TryLeadAlerts :one
-- TryLeadAlerts takes the session-level advisory lock of the alert
-- evaluator without waiting: true when this session now holds it (and
-- holds it until it ends or unlocks). Key 0x616c657274 is "alert" in ASCII.
SELECT pg_try_advisory_lock(x'616c657274'::bigint) AS led;

-- name: UnleadAlerts :one
-- UnleadAlerts releases the lock TryLeadAlerts took.
SELECT pg_advisory_unlock(x'616c657274'::bigint) AS released;
