"""SQLite's text of every statement in `storage/sql/`, and the columns of every table: made, not written.

Made by `python -m storage.sql.generate` from the Core expressions and `storage/schema.py`, so a
serving SQLite store runs them without importing SQLAlchemy (`storage/query.py`). Do not edit:
`tests/storage/test_compiled_sqlite.py` fails while this differs from what the generator makes.
"""
# fmt: off

STATEMENTS = {
    'storage.sql.alerts:CANCEL_OLDER_DIGESTS': (
        'UPDATE alerts SET status=\'cancelled\' WHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.kind = \'digest\' AND alerts.status = \'pending\' AND alerts."key" != ? AND alerts.lease_owner IS NULL',
        ('workspace', 'owner', 'key'),
        {},
    ),
    'storage.sql.alerts:CANCEL_PENDING_ALERTS': (
        "UPDATE alerts SET status='cancelled' WHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.kind = 'alert' AND alerts.status = 'pending' AND alerts.lease_owner IS NULL",
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:CANCEL_PENDING_DIGESTS': (
        "UPDATE alerts SET status='cancelled' WHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.kind = 'digest' AND alerts.status = 'pending' AND alerts.lease_owner IS NULL",
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:CLIENT_ALERTS': (
        'SELECT \'alert\' AS what, alerts."key" AS a, CASE WHEN (alerts.kind = \'alert\') THEN alerts.rule ELSE NULL END AS b, CASE WHEN (alerts.kind = \'alert\') THEN alerts.created_at ELSE NULL END AS at \nFROM alerts INDEXED BY idx_alerts_workspace_owner_client_id \nWHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.client_id = ? UNION ALL SELECT \'silence\' AS anon_1, NULL AS anon_2, alert_silences.rule, alert_silences.until \nFROM alert_silences \nWHERE alert_silences.workspace = ? AND alert_silences.owner = ? AND alert_silences.client_id = ? UNION ALL SELECT \'settings\' AS anon_3, NULL AS anon_2, NULL AS anon__1, CAST(alert_settings.alerts_on AS TEXT) AS alerts_on \nFROM alert_settings \nWHERE alert_settings.workspace = ? AND alert_settings.owner = ?',
        ('workspace', 'owner', 'client_id', 'workspace', 'owner', 'client_id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:DELIVERABLE': (
        "SELECT alerts.id \nFROM alerts \nWHERE alerts.status = 'pending' AND alerts.due_at <= ? AND alerts.next_attempt_at <= ? AND (alerts.lease_until IS NULL OR alerts.lease_until <= ?) ORDER BY alerts.due_at, alerts.id\n LIMIT ? OFFSET 0",
        ('at', 'now', 'lease_now', 'limit'),
        {},
    ),
    'storage.sql.alerts:DIGEST_OWNERS': (
        "SELECT users.workspace, users.user, coalesce(alert_settings.digest_day, 'monday') AS coalesce_1, c.since \nFROM users JOIN (SELECT clients.workspace AS workspace, clients.owner AS owner, min(clients.created_at) AS since \nFROM clients GROUP BY clients.workspace, clients.owner) AS c ON c.workspace = users.workspace AND c.owner = users.user LEFT OUTER JOIN alert_settings ON alert_settings.workspace = users.workspace AND alert_settings.owner = users.user \nWHERE coalesce(alert_settings.digest_day, 'monday') != 'off'",
        (),
        {},
    ),
    'storage.sql.alerts:FOR_OWNER': (
        'SELECT alerts.id, alerts.workspace, alerts.owner, alerts.platform, alerts.client_id, alerts.kind, alerts.rule, alerts."key", alerts.advice, alerts.evidence, alerts.due_at, alerts.created_at, alerts.status, alerts.attempts, alerts.next_attempt_at, alerts.last_error, alerts.delivered_at, alerts.failed_at, alerts.lease_until, alerts.lease_owner, alerts.parts_done, alerts.inflight_part, alerts.inflight_at \nFROM alerts \nWHERE alerts.workspace = ? AND alerts.owner = ? ORDER BY alerts.id',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:FOR_OWNER_OF_KIND': (
        'SELECT alerts.id, alerts.workspace, alerts.owner, alerts.platform, alerts.client_id, alerts.kind, alerts.rule, alerts."key", alerts.advice, alerts.evidence, alerts.due_at, alerts.created_at, alerts.status, alerts.attempts, alerts.next_attempt_at, alerts.last_error, alerts.delivered_at, alerts.failed_at, alerts.lease_until, alerts.lease_owner, alerts.parts_done, alerts.inflight_part, alerts.inflight_at \nFROM alerts \nWHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.kind = ? ORDER BY alerts.id',
        ('workspace', 'owner', 'kind'),
        {},
    ),
    'storage.sql.alerts:GET': (
        'SELECT alerts.id, alerts.workspace, alerts.owner, alerts.platform, alerts.client_id, alerts.kind, alerts.rule, alerts."key", alerts.advice, alerts.evidence, alerts.due_at, alerts.created_at, alerts.status, alerts.attempts, alerts.next_attempt_at, alerts.last_error, alerts.delivered_at, alerts.failed_at, alerts.lease_until, alerts.lease_owner, alerts.parts_done, alerts.inflight_part, alerts.inflight_at \nFROM alerts \nWHERE alerts.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.alerts:HAS_KEY': (
        'SELECT 1 AS x \nFROM alerts \nWHERE alerts.workspace = ? AND alerts.owner = ? AND alerts."key" = ?',
        ('workspace', 'owner', 'key'),
        {},
    ),
    'storage.sql.alerts:LAST_CLIENT_ALERT': (
        "SELECT max(alerts.due_at) AS at \nFROM alerts INDEXED BY idx_alerts_workspace_owner_client_id \nWHERE alerts.workspace = ? AND alerts.owner = ? AND alerts.client_id = ? AND alerts.kind = 'alert' AND alerts.rule != 'urgent' AND alerts.status IN ('pending', 'delivered')",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.alerts:REMINDERS_BETWEEN': (
        "SELECT sum(CASE WHEN (nudge_messages.delivered_at >= ? AND nudge_messages.delivered_at < ?) THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN (nudge_messages.status = 'failed' AND nudge_messages.failed_at >= ? AND nudge_messages.failed_at < ?) THEN 1 ELSE 0 END) AS bad \nFROM nudge_messages \nWHERE nudge_messages.workspace = ? AND nudge_messages.owner = ?",
        ('start', 'end', 'start', 'end', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:SETTINGS': (
        'SELECT alert_settings.alerts_on, alert_settings.digest_day \nFROM alert_settings \nWHERE alert_settings.workspace = ? AND alert_settings.owner = ?',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.alerts:SET_SETTINGS': (
        'INSERT INTO alert_settings (workspace, owner, alerts_on, digest_day) VALUES (?, ?, ?, ?) ON CONFLICT (workspace, owner) DO UPDATE SET alerts_on = excluded.alerts_on, digest_day = excluded.digest_day',
        ('workspace', 'owner', 'alerts_on', 'digest_day'),
        {},
    ),
    'storage.sql.alerts:SILENCE': (
        'INSERT INTO alert_silences (workspace, owner, client_id, rule, until) VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace, owner, client_id, rule) DO UPDATE SET until = max(alert_silences.until, excluded.until)',
        ('workspace', 'owner', 'client_id', 'rule', 'until'),
        {},
    ),
    'storage.sql.alerts:SILENCED': (
        'SELECT alert_silences.rule, alert_silences.until \nFROM alert_silences \nWHERE alert_silences.workspace = ? AND alert_silences.owner = ? AND alert_silences.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.client_settings:FORGET': (
        'DELETE FROM client_settings WHERE client_settings.workspace = ? AND client_settings.owner = ? AND client_settings.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.client_settings:GET': (
        'SELECT client_settings.workspace, client_settings.owner, client_settings.client_id, client_settings.late_fee_percent, client_settings.late_fee_minor, client_settings.late_fee_currency \nFROM client_settings \nWHERE client_settings.workspace = ? AND client_settings.owner = ? AND client_settings.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.client_settings:SET': (
        'INSERT INTO client_settings (workspace, owner, client_id, late_fee_percent, late_fee_minor, late_fee_currency) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace, owner, client_id) DO UPDATE SET late_fee_percent = excluded.late_fee_percent, late_fee_minor = excluded.late_fee_minor, late_fee_currency = excluded.late_fee_currency',
        ('workspace', 'owner', 'client_id', 'late_fee_percent', 'late_fee_minor', 'late_fee_currency'),
        {},
    ),
    'storage.sql.clients:BY_NAME': (
        'SELECT clients.id, clients.workspace, clients.owner, clients.name, clients.name_key, clients.terms_days, clients.currency, clients.email, clients.paused, clients.paused_until, clients.created_at, clients.contact, clients.request_id \nFROM clients \nWHERE clients.workspace = ? AND clients.owner = ? AND clients.name_key = ?',
        ('workspace', 'owner', 'name_key'),
        {},
    ),
    'storage.sql.clients:EDIT': (
        'UPDATE clients SET name=?, name_key=?, terms_days=?, currency=? WHERE clients.id = ? AND clients.workspace = ? AND clients.owner = ?',
        ('name', 'name_key', 'terms_days', 'currency', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.clients:GET': (
        'SELECT clients.id, clients.workspace, clients.owner, clients.name, clients.name_key, clients.terms_days, clients.currency, clients.email, clients.paused, clients.paused_until, clients.created_at, clients.contact, clients.request_id \nFROM clients \nWHERE clients.id = ? AND clients.workspace = ? AND clients.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.clients:LIST': (
        'SELECT clients.id, clients.workspace, clients.owner, clients.name, clients.name_key, clients.terms_days, clients.currency, clients.email, clients.paused, clients.paused_until, clients.created_at, clients.contact, clients.request_id \nFROM clients \nWHERE clients.workspace = ? AND clients.owner = ? ORDER BY clients.name_key',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.clients:NAMES': (
        'SELECT clients.name \nFROM clients \nWHERE clients.workspace = ? AND clients.owner = ? AND clients.name_key LIKE ? ORDER BY clients.name_key\n LIMIT ? OFFSET 0',
        ('workspace', 'owner', 'like', 'limit'),
        {},
    ),
    'storage.sql.clients:REMOVE': (
        'DELETE FROM clients WHERE clients.id = ? AND clients.workspace = ? AND clients.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.clients:SET_CONTACT': (
        'UPDATE clients SET contact=? WHERE clients.id = ? AND clients.workspace = ? AND clients.owner = ?',
        ('contact', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.clients:SET_PAUSED': (
        'UPDATE clients SET paused=?, paused_until=? WHERE clients.id = ? AND clients.workspace = ? AND clients.owner = ?',
        ('paused', 'until', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.corrections:ON_FILE_DIALOGUES': (
        'SELECT count(*) AS n \nFROM dialogues \nWHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.corrections:ON_FILE_INCIDENTS': (
        'SELECT count(*) AS n \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.corrections:ON_FILE_INVOICES': (
        "SELECT count(*) AS n \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.client_id = ? AND invoices.status != 'deleted'",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.corrections:ON_FILE_PAYMENTS': (
        'SELECT count(*) AS n \nFROM payments JOIN invoices ON invoices.id = payments.invoice_id \nWHERE payments.workspace = ? AND payments.owner = ? AND invoices.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.corrections:ON_FILE_REMINDERS': (
        'SELECT count(*) AS n \nFROM nudge_ledger \nWHERE nudge_ledger.workspace = ? AND nudge_ledger.owner = ? AND nudge_ledger.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.db:ALL': (
        'SELECT schema_versions.component, schema_versions.version \nFROM schema_versions ORDER BY schema_versions.component',
        (),
        {},
    ),
    'storage.sql.db:FIRST_VERSION': (
        'INSERT INTO schema_versions (component, version) VALUES (?, ?) ON CONFLICT (component) DO NOTHING',
        ('component', 'version'),
        {},
    ),
    'storage.sql.db:RECORD_VERSION': (
        'INSERT INTO schema_versions (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = max(schema_versions.version, excluded.version)',
        ('component', 'version'),
        {},
    ),
    'storage.sql.db:VERSION': (
        'SELECT schema_versions.version \nFROM schema_versions \nWHERE schema_versions.component = ?',
        ('component',),
        {},
    ),
    'storage.sql.dialogues:ACTIVE_FOR': (
        "SELECT dialogues.id, dialogues.workspace, dialogues.owner, dialogues.platform, dialogues.client_id, dialogues.status, dialogues.step, dialogues.step_no, dialogues.answers, dialogues.history, dialogues.last_action, dialogues.verdict, dialogues.outcome, dialogues.started_at, dialogues.updated_at, dialogues.finished_at \nFROM dialogues \nWHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ? AND dialogues.status = 'active'",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.dialogues:ADVANCE': (
        "UPDATE dialogues SET step=?, step_no=(dialogues.step_no + 1), answers=?, history=?, last_action=?, updated_at=? WHERE dialogues.id = ? AND dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.step_no = ? AND dialogues.status = 'active'",
        ('step', 'answers', 'history', 'last_action', 'stamp', 'id', 'workspace', 'owner', 'expected'),
        {},
    ),
    'storage.sql.dialogues:CANCEL': (
        "UPDATE dialogues SET status=?, step_no=(dialogues.step_no + 1), last_action=?, updated_at=? WHERE dialogues.id = ? AND dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.step_no = ? AND dialogues.status = 'active'",
        ('status', 'last_action', 'stamp', 'id', 'workspace', 'owner', 'expected'),
        {},
    ),
    'storage.sql.dialogues:CANCEL_ACTIVE': (
        "UPDATE dialogues SET status='cancelled', step_no=(dialogues.step_no + 1), updated_at=? WHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ? AND dialogues.status = 'active'",
        ('stamp', 'workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.dialogues:CANCEL_MERGED': (
        "UPDATE dialogues SET status='cancelled' WHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ? AND dialogues.status = 'active' AND (EXISTS (SELECT * \nFROM dialogues AS d \nWHERE d.workspace = dialogues.workspace AND d.owner = dialogues.owner AND d.client_id = ? AND d.status = 'active'))",
        ('workspace', 'owner', 'from_id', 'into_id'),
        {},
    ),
    'storage.sql.dialogues:FINISH': (
        "UPDATE dialogues SET status=?, step=?, step_no=(dialogues.step_no + 1), answers=?, history=?, last_action=?, verdict=?, outcome=?, updated_at=?, finished_at=? WHERE dialogues.id = ? AND dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.step_no = ? AND dialogues.status = 'active'",
        ('status', 'step', 'answers', 'history', 'last_action', 'verdict', 'outcome', 'stamp', 'finished_at', 'id', 'workspace', 'owner', 'expected'),
        {},
    ),
    'storage.sql.dialogues:FINISHED_FOR': (
        "SELECT dialogues.id, dialogues.workspace, dialogues.owner, dialogues.platform, dialogues.client_id, dialogues.status, dialogues.step, dialogues.step_no, dialogues.answers, dialogues.history, dialogues.last_action, dialogues.verdict, dialogues.outcome, dialogues.started_at, dialogues.updated_at, dialogues.finished_at \nFROM dialogues \nWHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ? AND dialogues.status = 'finished' ORDER BY dialogues.finished_at, dialogues.id",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.dialogues:FORGET': (
        'DELETE FROM dialogues WHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.dialogues:GET': (
        'SELECT dialogues.id, dialogues.workspace, dialogues.owner, dialogues.platform, dialogues.client_id, dialogues.status, dialogues.step, dialogues.step_no, dialogues.answers, dialogues.history, dialogues.last_action, dialogues.verdict, dialogues.outcome, dialogues.started_at, dialogues.updated_at, dialogues.finished_at \nFROM dialogues \nWHERE dialogues.id = ? AND dialogues.workspace = ? AND dialogues.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.dialogues:LATEST_ACTIVE': (
        "SELECT dialogues.id, dialogues.workspace, dialogues.owner, dialogues.platform, dialogues.client_id, dialogues.status, dialogues.step, dialogues.step_no, dialogues.answers, dialogues.history, dialogues.last_action, dialogues.verdict, dialogues.outcome, dialogues.started_at, dialogues.updated_at, dialogues.finished_at \nFROM dialogues \nWHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.status = 'active' ORDER BY dialogues.updated_at DESC, dialogues.id DESC\n LIMIT 1 OFFSET 0",
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.dialogues:MOVE': (
        'UPDATE dialogues SET client_id=? WHERE dialogues.workspace = ? AND dialogues.owner = ? AND dialogues.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.dialogues:START': (
        "INSERT INTO dialogues (workspace, owner, platform, client_id, status, step, step_no, answers, history, last_action, started_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, 1, '{}', '[]', ?, ?, ?) RETURNING id",
        ('workspace', 'owner', 'platform', 'client_id', 'step', 'last_action', 'stamp', 'stamp'),
        {},
    ),
    'storage.sql.followups:DELIVERED': (
        'UPDATE followups SET delivered_at=coalesce(followups.delivered_at, ?) WHERE followups.id = ?',
        ('at', 'id'),
        {},
    ),
    'storage.sql.followups:DUE': (
        'SELECT followups.id, followups.workspace, followups.owner, followups.platform, followups.client_id, followups.kind, followups."key", followups.due_at, followups.payload, followups.created_at, followups.delivered_at, followups.attempts, followups.last_error, followups.gave_up_at \nFROM followups \nWHERE followups.delivered_at IS NULL AND followups.gave_up_at IS NULL AND followups.due_at <= ? ORDER BY followups.due_at, followups.id\n LIMIT ? OFFSET 0',
        ('now', 'limit'),
        {},
    ),
    'storage.sql.followups:FAILED': (
        'UPDATE followups SET due_at=?, attempts=?, last_error=?, gave_up_at=? WHERE followups.id = ?',
        ('due_at', 'attempts', 'last_error', 'gave_up_at', 'id'),
        {},
    ),
    'storage.sql.followups:FORGET': (
        'DELETE FROM followups WHERE followups.workspace = ? AND followups.owner = ? AND followups.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.followups:FOR_CLIENT': (
        'SELECT followups.id, followups.workspace, followups.owner, followups.platform, followups.client_id, followups.kind, followups."key", followups.due_at, followups.payload, followups.created_at, followups.delivered_at, followups.attempts, followups.last_error, followups.gave_up_at \nFROM followups \nWHERE followups.workspace = ? AND followups.owner = ? AND followups.client_id = ? ORDER BY followups.due_at, followups.id',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.followups:FOR_OWNER': (
        'SELECT followups.id, followups.workspace, followups.owner, followups.platform, followups.client_id, followups.kind, followups."key", followups.due_at, followups.payload, followups.created_at, followups.delivered_at, followups.attempts, followups.last_error, followups.gave_up_at \nFROM followups \nWHERE followups.workspace = ? AND followups.owner = ? ORDER BY followups.due_at, followups.id',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.followups:GET': (
        'SELECT followups.id, followups.workspace, followups.owner, followups.platform, followups.client_id, followups.kind, followups."key", followups.due_at, followups.payload, followups.created_at, followups.delivered_at, followups.attempts, followups.last_error, followups.gave_up_at \nFROM followups \nWHERE followups.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.followups:LEASE': (
        'INSERT INTO nudge_followup_leases (followup_id, lease_until, lease_owner) VALUES (?, ?, ?) ON CONFLICT (followup_id) DO UPDATE SET lease_until = excluded.lease_until, lease_owner = excluded.lease_owner WHERE nudge_followup_leases.lease_until <= ?',
        ('id', 'until', 'token', 'now'),
        {},
    ),
    'storage.sql.followups:MOVE': (
        'UPDATE followups SET client_id=? WHERE followups.workspace = ? AND followups.owner = ? AND followups.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.followups:PENDING': (
        'SELECT followups.id, followups.workspace, followups.owner, followups.platform, followups.client_id, followups.kind, followups."key", followups.due_at, followups.payload, followups.created_at, followups.delivered_at, followups.attempts, followups.last_error, followups.gave_up_at \nFROM followups \nWHERE followups.delivered_at IS NULL AND followups.gave_up_at IS NULL ORDER BY followups.due_at, followups.id\n LIMIT ? OFFSET 0',
        ('limit',),
        {},
    ),
    'storage.sql.followups:RELEASE_LEASE': (
        'DELETE FROM nudge_followup_leases WHERE nudge_followup_leases.followup_id = ?',
        ('id',),
        {},
    ),
    'storage.sql.history:CORRECTED': (
        "SELECT DISTINCT changes.entity_id \nFROM changes \nWHERE changes.workspace = ? AND changes.owner = ? AND changes.client_id = ? AND changes.entity = ? AND changes.action = 'edit'",
        ('workspace', 'owner', 'client_id', 'entity'),
        {},
    ),
    'storage.sql.history:FORGET': (
        'DELETE FROM changes WHERE changes.workspace = ? AND changes.owner = ? AND changes.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.history:FOR_CLIENT': (
        'SELECT changes.id, changes.workspace, changes.owner, changes.entity, changes.entity_id, changes.client_id, changes.action, changes."before", changes."after", changes.changed_at, changes.changed_by, changes.request_id \nFROM changes \nWHERE changes.workspace = ? AND changes.owner = ? AND changes.client_id = ? ORDER BY changes.changed_at, changes.id',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.history:FOR_ENTITY': (
        'SELECT changes.id, changes.workspace, changes.owner, changes.entity, changes.entity_id, changes.client_id, changes.action, changes."before", changes."after", changes.changed_at, changes.changed_by, changes.request_id \nFROM changes \nWHERE changes.workspace = ? AND changes.owner = ? AND changes.entity = ? AND changes.entity_id = ? ORDER BY changes.changed_at, changes.id',
        ('workspace', 'owner', 'entity', 'entity_id'),
        {},
    ),
    'storage.sql.history:GET': (
        'SELECT changes.id, changes.workspace, changes.owner, changes.entity, changes.entity_id, changes.client_id, changes.action, changes."before", changes."after", changes.changed_at, changes.changed_by, changes.request_id \nFROM changes \nWHERE changes.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.history:MOVE': (
        'UPDATE changes SET client_id=? WHERE changes.workspace = ? AND changes.owner = ? AND changes.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.history:RECORD': (
        'INSERT INTO changes (workspace, owner, entity, entity_id, client_id, action, "before", "after", changed_at, changed_by, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        ('workspace', 'owner', 'entity', 'entity_id', 'client_id', 'action', 'before', 'after', 'changed_at', 'changed_by', 'request_id'),
        {},
    ),
    'storage.sql.imports:APPLIED': (
        "UPDATE import_batches SET status='applied', result_json=? WHERE import_batches.id = ?",
        ('result', 'id'),
        {},
    ),
    'storage.sql.imports:DROP_STALE': (
        "DELETE FROM import_batches WHERE import_batches.workspace = ? AND import_batches.owner = ? AND import_batches.status = 'pending' AND import_batches.created_at < ?",
        ('workspace', 'owner', 'before'),
        {},
    ),
    'storage.sql.imports:FINISH': (
        "UPDATE import_batches SET table_json='{}', status=?, result_json=? WHERE import_batches.id = ? AND import_batches.workspace = ? AND import_batches.owner = ? AND import_batches.status = 'pending'",
        ('status', 'result', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.imports:GET': (
        'SELECT import_batches.id, import_batches.workspace, import_batches.owner, import_batches.filename, import_batches.table_json, import_batches.mapping_json, import_batches.status, import_batches.result_json, import_batches.created_at, import_batches.request_id \nFROM import_batches \nWHERE import_batches.id = ? AND import_batches.workspace = ? AND import_batches.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.imports:ON_FILE': (
        'SELECT count(*) AS n, max(invoices.updated_at) AS u, (SELECT count(*) AS count_1 \nFROM payments \nWHERE payments.workspace = ? AND payments.owner = ?) AS p, (SELECT count(*) AS count_2 \nFROM clients \nWHERE clients.workspace = ? AND clients.owner = ?) AS c, (SELECT max(changes.id) AS max_1 \nFROM changes \nWHERE changes.workspace = ? AND changes.owner = ?) AS h \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ?',
        ('workspace', 'owner', 'workspace', 'owner', 'workspace', 'owner', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.imports:SET_MAPPING': (
        "UPDATE import_batches SET mapping_json=? WHERE import_batches.id = ? AND import_batches.workspace = ? AND import_batches.owner = ? AND import_batches.status = 'pending'",
        ('mapping', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.incidents:ADD': (
        'INSERT INTO incidents (workspace, owner, client_id, kind, note, occurred_at, logged_at, logged_by, source, source_ref, request_id, number, occurred_on) SELECT ? AS anon_1, ? AS anon_2, ? AS anon_3, ? AS anon_4, ? AS anon_5, ? AS anon_6, ? AS anon_7, ? AS anon_8, ? AS anon_9, ? AS anon_10, ? AS anon_11, coalesce(max(incidents.number), 0) + 1 AS anon_12, ? AS anon_13 \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? ON CONFLICT (workspace, owner, request_id) DO NOTHING RETURNING id, number',
        ('workspace', 'owner', 'client_id', 'kind', 'note', 'occurred_at', 'logged_at', 'logged_by', 'source', 'source_ref', 'request_id', 'occurred_on', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.incidents:BY_NUMBER': (
        'SELECT incidents.id, incidents.workspace, incidents.owner, incidents.client_id, incidents.kind, incidents.note, incidents.occurred_at, incidents.logged_at, incidents.logged_by, incidents.source, incidents.source_ref, incidents.request_id, incidents.number, incidents.deleted_at, incidents.occurred_on \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.number = ? AND incidents.deleted_at IS NULL',
        ('workspace', 'owner', 'number'),
        {},
    ),
    'storage.sql.incidents:BY_NUMBER_ANY': (
        'SELECT incidents.id, incidents.workspace, incidents.owner, incidents.client_id, incidents.kind, incidents.note, incidents.occurred_at, incidents.logged_at, incidents.logged_by, incidents.source, incidents.source_ref, incidents.request_id, incidents.number, incidents.deleted_at, incidents.occurred_on \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.number = ?',
        ('workspace', 'owner', 'number'),
        {},
    ),
    'storage.sql.incidents:COUNT_FOR_CLIENT': (
        'SELECT count(*) AS n \nFROM incidents INDEXED BY idx_incidents_workspace_owner_client_id_deleted_at \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.incidents:EARLIEST': (
        'SELECT incidents.id, incidents.workspace, incidents.owner, incidents.client_id, incidents.kind, incidents.note, incidents.occurred_at, incidents.logged_at, incidents.logged_by, incidents.source, incidents.source_ref, incidents.request_id, incidents.number, incidents.deleted_at, incidents.occurred_on \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL ORDER BY incidents.occurred_at, incidents.id\n LIMIT 1 OFFSET 0',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.incidents:EDIT': (
        'UPDATE incidents SET kind=?, note=?, occurred_at=?, occurred_on=? WHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.id = ?',
        ('kind', 'note', 'occurred_at', 'occurred_on', 'workspace', 'owner', 'id'),
        {},
    ),
    'storage.sql.incidents:FORGET': (
        'DELETE FROM incidents WHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.incidents:FOR_CLIENT': (
        'SELECT incidents.id, incidents.client_id, incidents.kind, incidents.note, incidents.occurred_at, incidents.logged_at, incidents.logged_by, incidents.source, incidents.source_ref, incidents.number, incidents.occurred_on \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL ORDER BY incidents.occurred_at, incidents.id',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.incidents:KINDS_BY_CLIENT': (
        'SELECT incidents.client_id, incidents.kind, incidents.occurred_at \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.deleted_at IS NULL',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.incidents:KINDS_FOR_CLIENT': (
        'SELECT incidents.kind, incidents.occurred_at \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.incidents:LAST_FOR_CLIENT': (
        'SELECT latest.id, latest.client_id, latest.kind, latest.note, latest.occurred_at, latest.logged_at, latest.logged_by, latest.source, latest.source_ref, latest.number, latest.occurred_on \nFROM (SELECT incidents.id AS id, incidents.client_id AS client_id, incidents.kind AS kind, incidents.note AS note, incidents.occurred_at AS occurred_at, incidents.logged_at AS logged_at, incidents.logged_by AS logged_by, incidents.source AS source, incidents.source_ref AS source_ref, incidents.number AS number, incidents.occurred_on AS occurred_on \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL ORDER BY incidents.occurred_at DESC, incidents.id DESC\n LIMIT ? OFFSET 0) AS latest ORDER BY latest.occurred_at, latest.id',
        ('workspace', 'owner', 'client_id', 'limit'),
        {},
    ),
    'storage.sql.incidents:MARK_DELETED': (
        'UPDATE incidents SET deleted_at=? WHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.id = ? AND incidents.deleted_at IS NULL',
        ('at', 'workspace', 'owner', 'id'),
        {},
    ),
    'storage.sql.incidents:MOVE': (
        'UPDATE incidents SET client_id=? WHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.incidents:RECENT_FOR_CLIENT': (
        'SELECT incidents.id, incidents.kind, incidents.occurred_at \nFROM incidents \nWHERE incidents.workspace = ? AND incidents.owner = ? AND incidents.client_id = ? AND incidents.deleted_at IS NULL AND incidents.occurred_at >= ? ORDER BY incidents.occurred_at, incidents.id',
        ('workspace', 'owner', 'client_id', 'since'),
        {},
    ),
    'storage.sql.invoices:APPLY_EDIT': (
        'UPDATE invoices SET ref=?, ref_key=?, amount_minor=?, currency=?, issued_on=?, due_on=?, status=?, paid_on=?, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('ref', 'ref_key', 'amount_minor', 'currency', 'issued_on', 'due_on', 'status', 'paid_on', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:APPLY_EDIT_REPLAN': (
        'UPDATE invoices SET ref=?, ref_key=?, amount_minor=?, currency=?, issued_on=?, due_on=?, status=?, snoozed_until=NULL, paid_on=?, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('ref', 'ref_key', 'amount_minor', 'currency', 'issued_on', 'due_on', 'status', 'paid_on', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:APPLY_IMPORT': (
        "UPDATE invoices SET amount_minor=?, currency=?, issued_on=?, due_on=?, status=?, paid_on=CASE WHEN (? = 'paid' AND invoices.paid_on IS NULL) THEN ? ELSE invoices.paid_on END, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?",
        ('amount_minor', 'currency', 'issued_on', 'due_on', 'status', 'status', 'paid_on', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:APPLY_IMPORT_REPLAN': (
        "UPDATE invoices SET amount_minor=?, currency=?, issued_on=?, due_on=?, status=?, snoozed_until=NULL, paid_on=CASE WHEN (? = 'paid' AND invoices.paid_on IS NULL) THEN ? ELSE invoices.paid_on END, next_nudge_on=?, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?",
        ('amount_minor', 'currency', 'issued_on', 'due_on', 'status', 'status', 'paid_on', 'due_on', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:BY_REF': (
        'SELECT invoices.id, invoices.workspace, invoices.owner, invoices.client_id, invoices.ref, invoices.ref_key, invoices.amount_minor, invoices.currency, invoices.issued_on, invoices.due_on, invoices.status, invoices.snoozed_until, invoices.paid_on, invoices.next_nudge_on, invoices.created_at, invoices.updated_at, invoices.request_id, coalesce((SELECT sum(payments.amount_minor) AS sum_1 \nFROM payments \nWHERE payments.invoice_id = invoices.id), 0) AS paid_minor \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.ref_key = ?',
        ('workspace', 'owner', 'ref_key'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? ORDER BY invoices.next_nudge_on, invoices.id\n LIMIT ? OFFSET 0",
        ('horizon', 'limit'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_1': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_128': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16', 'c17', 'c18', 'c19', 'c20', 'c21', 'c22', 'c23', 'c24', 'c25', 'c26', 'c27', 'c28', 'c29', 'c30', 'c31', 'c32', 'c33', 'c34', 'c35', 'c36', 'c37', 'c38', 'c39', 'c40', 'c41', 'c42', 'c43', 'c44', 'c45', 'c46', 'c47', 'c48', 'c49', 'c50', 'c51', 'c52', 'c53', 'c54', 'c55', 'c56', 'c57', 'c58', 'c59', 'c60', 'c61', 'c62', 'c63', 'c64', 'c65', 'c66', 'c67', 'c68', 'c69', 'c70', 'c71', 'c72', 'c73', 'c74', 'c75', 'c76', 'c77', 'c78', 'c79', 'c80', 'c81', 'c82', 'c83', 'c84', 'c85', 'c86', 'c87', 'c88', 'c89', 'c90', 'c91', 'c92', 'c93', 'c94', 'c95', 'c96', 'c97', 'c98', 'c99', 'c100', 'c101', 'c102', 'c103', 'c104', 'c105', 'c106', 'c107', 'c108', 'c109', 'c110', 'c111', 'c112', 'c113', 'c114', 'c115', 'c116', 'c117', 'c118', 'c119', 'c120', 'c121', 'c122', 'c123', 'c124', 'c125', 'c126', 'c127'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_16': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_2': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_32': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16', 'c17', 'c18', 'c19', 'c20', 'c21', 'c22', 'c23', 'c24', 'c25', 'c26', 'c27', 'c28', 'c29', 'c30', 'c31'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_4': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_64': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16', 'c17', 'c18', 'c19', 'c20', 'c21', 'c22', 'c23', 'c24', 'c25', 'c26', 'c27', 'c28', 'c29', 'c30', 'c31', 'c32', 'c33', 'c34', 'c35', 'c36', 'c37', 'c38', 'c39', 'c40', 'c41', 'c42', 'c43', 'c44', 'c45', 'c46', 'c47', 'c48', 'c49', 'c50', 'c51', 'c52', 'c53', 'c54', 'c55', 'c56', 'c57', 'c58', 'c59', 'c60', 'c61', 'c62', 'c63'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_8': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id IN (?, ?, ?, ?, ?, ?, ?, ?) ORDER BY invoices.client_id, invoices.next_nudge_on, invoices.id",
        ('horizon', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'),
        {},
    ),
    'storage.sql.invoices:CANDIDATES_AFTER': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND (invoices.next_nudge_on, invoices.id) > (?, ?) ORDER BY invoices.next_nudge_on, invoices.id\n LIMIT ? OFFSET 0",
        ('horizon', 'after_on', 'after_id', 'limit'),
        {},
    ),
    'storage.sql.invoices:COUNT': (
        'SELECT count(*) AS n \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ?',
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:DUE_CLIENTS': (
        "SELECT c.id \nFROM clients AS c JOIN (SELECT DISTINCT invoices.client_id AS client_id \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on <= ? AND invoices.client_id > ?) AS d ON d.client_id = c.id ORDER BY c.id\n LIMIT ? OFFSET 0",
        ('horizon', 'after', 'limit'),
        {},
    ),
    'storage.sql.invoices:FORGET': (
        'DELETE FROM invoices WHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.invoices:FORGET_PAYMENTS': (
        'DELETE FROM payments WHERE payments.workspace = ? AND payments.owner = ? AND payments.invoice_id IN (SELECT invoices.id \nFROM invoices \nWHERE invoices.client_id = ?)',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.invoices:GET': (
        'SELECT invoices.id, invoices.workspace, invoices.owner, invoices.client_id, invoices.ref, invoices.ref_key, invoices.amount_minor, invoices.currency, invoices.issued_on, invoices.due_on, invoices.status, invoices.snoozed_until, invoices.paid_on, invoices.next_nudge_on, invoices.created_at, invoices.updated_at, invoices.request_id, coalesce((SELECT sum(payments.amount_minor) AS sum_1 \nFROM payments \nWHERE payments.invoice_id = invoices.id), 0) AS paid_minor \nFROM invoices \nWHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:LIST': (
        "SELECT invoices.id, invoices.workspace, invoices.owner, invoices.client_id, invoices.ref, invoices.ref_key, invoices.amount_minor, invoices.currency, invoices.issued_on, invoices.due_on, invoices.status, invoices.snoozed_until, invoices.paid_on, invoices.next_nudge_on, invoices.created_at, invoices.updated_at, invoices.request_id, coalesce((SELECT sum(payments.amount_minor) AS sum_1 \nFROM payments \nWHERE payments.invoice_id = invoices.id), 0) AS paid_minor \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.status != 'deleted' ORDER BY invoices.due_on, invoices.id",
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:LIST_FOR_CLIENT': (
        "SELECT invoices.id, invoices.workspace, invoices.owner, invoices.client_id, invoices.ref, invoices.ref_key, invoices.amount_minor, invoices.currency, invoices.issued_on, invoices.due_on, invoices.status, invoices.snoozed_until, invoices.paid_on, invoices.next_nudge_on, invoices.created_at, invoices.updated_at, invoices.request_id, coalesce((SELECT sum(payments.amount_minor) AS sum_1 \nFROM payments \nWHERE payments.invoice_id = invoices.id), 0) AS paid_minor \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.client_id = ? AND invoices.status != 'deleted' ORDER BY invoices.due_on, invoices.id",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.invoices:LOCK': (
        'SELECT invoices.id \nFROM invoices \nWHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:MARK_DELETED': (
        "UPDATE invoices SET ref_key=(invoices.ref_key || ? || invoices.id), status='deleted', next_nudge_on=NULL, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?",
        ('mark', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:MOVE': (
        'UPDATE invoices SET client_id=? WHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.invoices:MOVE_NEXT_CHECK': (
        "UPDATE invoices SET next_nudge_on=? WHERE invoices.id = ? AND invoices.status = 'open' AND invoices.next_nudge_on = ?",
        ('day', 'id', 'expected'),
        {},
    ),
    'storage.sql.invoices:NEXT_CHECK_OF': (
        'SELECT invoices.next_nudge_on \nFROM invoices \nWHERE invoices.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.invoices:PAYMENT': (
        'SELECT payments.id, payments.workspace, payments.owner, payments.invoice_id, payments.amount_minor, payments.currency, payments.paid_on, payments.recorded_at, payments.request_id \nFROM payments \nWHERE payments.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.invoices:PAYMENTS': (
        'SELECT payments.id, payments.workspace, payments.owner, payments.invoice_id, payments.amount_minor, payments.currency, payments.paid_on, payments.recorded_at, payments.request_id \nFROM payments \nWHERE payments.invoice_id = ? AND payments.workspace = ? AND payments.owner = ? ORDER BY payments.paid_on, payments.id',
        ('id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:PAYMENTS_FOR_CLIENT': (
        "SELECT payments.id, payments.workspace, payments.owner, payments.invoice_id, payments.amount_minor, payments.currency, payments.paid_on, payments.recorded_at, payments.request_id \nFROM payments JOIN invoices ON invoices.id = payments.invoice_id \nWHERE invoices.client_id = ? AND payments.workspace = ? AND payments.owner = ? AND invoices.status != 'deleted' ORDER BY payments.paid_on, payments.id",
        ('client_id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:PAYMENT_RECORD': (
        "SELECT sum(CASE WHEN (invoices.status = 'paid' AND invoices.paid_on IS NOT NULL) THEN 1 ELSE 0 END) AS paid, sum(CASE WHEN (invoices.status = 'paid' AND invoices.paid_on > invoices.due_on) THEN 1 ELSE 0 END) AS late, sum(CASE WHEN (invoices.status = 'paid' AND invoices.paid_on > invoices.due_on) THEN (julianday(invoices.paid_on) - julianday(invoices.due_on)) END) AS late_days, sum(CASE WHEN (invoices.status = 'open' AND invoices.due_on < ?) THEN 1 ELSE 0 END) AS overdue \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.client_id = ?",
        ('today', 'workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.invoices:REFS': (
        "SELECT invoices.ref \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.ref_key LIKE ? AND invoices.status != 'deleted' ORDER BY invoices.due_on DESC\n LIMIT ? OFFSET 0",
        ('workspace', 'owner', 'like', 'limit'),
        {},
    ),
    'storage.sql.invoices:REFS_OPEN': (
        "SELECT invoices.ref \nFROM invoices \nWHERE invoices.workspace = ? AND invoices.owner = ? AND invoices.ref_key LIKE ? AND invoices.status = 'open' ORDER BY invoices.due_on DESC\n LIMIT ? OFFSET 0",
        ('workspace', 'owner', 'like', 'limit'),
        {},
    ),
    'storage.sql.invoices:REPLAN': (
        'UPDATE invoices SET next_nudge_on=invoices.due_on WHERE invoices.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.invoices:SETTLE': (
        "UPDATE invoices SET status='paid', paid_on=?, updated_at=? WHERE invoices.id = ?",
        ('paid_on', 'at', 'id'),
        {},
    ),
    'storage.sql.invoices:SET_DUE': (
        'UPDATE invoices SET due_on=?, snoozed_until=NULL, next_nudge_on=?, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('due_on', 'due_on', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:SET_NEXT_CHECK': (
        "UPDATE invoices SET next_nudge_on=? WHERE invoices.id = ? AND invoices.status = 'open'",
        ('day', 'id'),
        {},
    ),
    'storage.sql.invoices:SET_STATUS': (
        'UPDATE invoices SET status=?, updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?',
        ('status', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:SNOOZE': (
        "UPDATE invoices SET snoozed_until=?, next_nudge_on=max(coalesce(invoices.next_nudge_on, ''), ?), updated_at=? WHERE invoices.id = ? AND invoices.workspace = ? AND invoices.owner = ?",
        ('until', 'until', 'at', 'id', 'workspace', 'owner'),
        {},
    ),
    'storage.sql.invoices:TOUCH': (
        'UPDATE invoices SET updated_at=? WHERE invoices.id = ?',
        ('at', 'id'),
        {},
    ),
    'storage.sql.invoices:UPCOMING': (
        "SELECT invoices.id AS invoice_id, invoices.workspace, invoices.owner, invoices.client_id, invoices.due_on, invoices.snoozed_until, invoices.next_nudge_on \nFROM invoices INDEXED BY idx_invoices_status_next_nudge_on \nWHERE invoices.status = 'open' AND invoices.next_nudge_on IS NOT NULL ORDER BY invoices.next_nudge_on, invoices.id\n LIMIT ? OFFSET 0",
        ('limit',),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_CANCELLED': (
        "UPDATE alerts SET status='cancelled', attempts=(alerts.attempts + 1), lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_CANCELLED_UNCOUNTED': (
        "UPDATE alerts SET status='cancelled', attempts=(alerts.attempts + 0), lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_DELIVERED': (
        "UPDATE alerts SET status='delivered', attempts=(alerts.attempts + 1), last_error=NULL, delivered_at=?, lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_DELIVERED_UNCOUNTED': (
        "UPDATE alerts SET status='delivered', attempts=(alerts.attempts + 0), last_error=NULL, delivered_at=?, lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_FAILED': (
        "UPDATE alerts SET status='failed', attempts=(alerts.attempts + 1), last_error=?, failed_at=?, lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('error', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_FAILED_UNCOUNTED': (
        "UPDATE alerts SET status='failed', attempts=(alerts.attempts + 0), last_error=?, failed_at=?, lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('error', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_PENDING': (
        "UPDATE alerts SET attempts=(alerts.attempts + 1), next_attempt_at=?, last_error=coalesce(?, alerts.last_error), lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('next_at', 'error', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_FINISH_PENDING_UNCOUNTED': (
        "UPDATE alerts SET attempts=(alerts.attempts + 0), next_attempt_at=?, last_error=coalesce(?, alerts.last_error), lease_until=NULL, lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ? AND alerts.status = 'pending'",
        ('next_at', 'error', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_NOT_SENT': (
        'UPDATE alerts SET inflight_part=NULL, inflight_at=NULL WHERE alerts.id = ? AND alerts.lease_owner = ?',
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_READ': (
        'SELECT alerts.parts_done, alerts.inflight_part, alerts.inflight_at \nFROM alerts \nWHERE alerts.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_RELEASE': (
        "UPDATE alerts SET lease_until='', lease_owner=NULL WHERE alerts.id = ? AND alerts.lease_owner = ?",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_RENEW': (
        'UPDATE alerts SET lease_until=? WHERE alerts.id = ? AND alerts.lease_owner = ?',
        ('until', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_SENDING': (
        'UPDATE alerts SET inflight_part=?, inflight_at=? WHERE alerts.id = ? AND alerts.lease_owner = ?',
        ('part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_SENDING_PUSH': (
        'UPDATE alerts SET lease_until=?, inflight_part=?, inflight_at=? WHERE alerts.id = ? AND alerts.lease_owner = ?',
        ('until', 'part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_SENT': (
        'UPDATE alerts SET parts_done=max(alerts.parts_done, ?), inflight_part=NULL, inflight_at=NULL WHERE alerts.id = ? AND alerts.lease_owner = ?',
        ('next', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:ALERTS_TAKE': (
        "UPDATE alerts SET lease_until=?, lease_owner=? WHERE alerts.id = ? AND alerts.status = 'pending' AND alerts.next_attempt_at <= ? AND (alerts.lease_until IS NULL OR alerts.lease_until <= ?)",
        ('until', 'token', 'id', 'now', 'start'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_NOT_SENT': (
        'UPDATE nudge_followup_leases SET inflight_part=NULL, inflight_at=NULL WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?',
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_READ': (
        'SELECT nudge_followup_leases.parts_done, nudge_followup_leases.inflight_part, nudge_followup_leases.inflight_at \nFROM nudge_followup_leases \nWHERE nudge_followup_leases.followup_id = ?',
        ('id',),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_RELEASE': (
        "UPDATE nudge_followup_leases SET lease_until='', lease_owner=NULL WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_RENEW': (
        'UPDATE nudge_followup_leases SET lease_until=? WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?',
        ('until', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_SENDING': (
        'UPDATE nudge_followup_leases SET inflight_part=?, inflight_at=? WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?',
        ('part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_SENDING_PUSH': (
        'UPDATE nudge_followup_leases SET lease_until=?, inflight_part=?, inflight_at=? WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?',
        ('until', 'part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_FOLLOWUP_LEASES_SENT': (
        'UPDATE nudge_followup_leases SET parts_done=max(nudge_followup_leases.parts_done, ?), inflight_part=NULL, inflight_at=NULL WHERE nudge_followup_leases.followup_id = ? AND nudge_followup_leases.lease_owner = ?',
        ('next', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_CANCELLED': (
        "UPDATE nudge_messages SET status='cancelled', attempts=(nudge_messages.attempts + 1), lease_until=NULL, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_CANCELLED_UNCOUNTED': (
        "UPDATE nudge_messages SET status='cancelled', attempts=(nudge_messages.attempts + 0), lease_until=NULL, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_DELIVERED': (
        "UPDATE nudge_messages SET status='delivered', attempts=(nudge_messages.attempts + 1), lease_until=NULL, last_error=NULL, delivered_at=?, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_DELIVERED_UNCOUNTED': (
        "UPDATE nudge_messages SET status='delivered', attempts=(nudge_messages.attempts + 0), lease_until=NULL, last_error=NULL, delivered_at=?, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_FAILED': (
        "UPDATE nudge_messages SET status='failed', attempts=(nudge_messages.attempts + 1), lease_until=NULL, last_error=?, failed_at=?, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('error', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_FAILED_KIND': (
        "UPDATE nudge_messages SET status='failed', attempts=(nudge_messages.attempts + 1), lease_until=NULL, last_error=?, failed_at=?, lease_owner=NULL, error_kind=? WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('error', 'at', 'error_kind', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_FAILED_KIND_UNCOUNTED': (
        "UPDATE nudge_messages SET status='failed', attempts=(nudge_messages.attempts + 0), lease_until=NULL, last_error=?, failed_at=?, lease_owner=NULL, error_kind=? WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('error', 'at', 'error_kind', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_FAILED_UNCOUNTED': (
        "UPDATE nudge_messages SET status='failed', attempts=(nudge_messages.attempts + 0), lease_until=NULL, last_error=?, failed_at=?, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('error', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_PENDING': (
        "UPDATE nudge_messages SET attempts=(nudge_messages.attempts + 1), next_attempt_at=?, lease_until=NULL, last_error=coalesce(?, nudge_messages.last_error), lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('next_at', 'error', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_FINISH_PENDING_UNCOUNTED': (
        "UPDATE nudge_messages SET attempts=(nudge_messages.attempts + 0), next_attempt_at=?, lease_until=NULL, last_error=coalesce(?, nudge_messages.last_error), lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ? AND nudge_messages.status = 'pending'",
        ('next_at', 'error', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_NOT_SENT': (
        'UPDATE nudge_messages SET inflight_part=NULL, inflight_at=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_READ': (
        'SELECT nudge_messages.parts_done, nudge_messages.inflight_part, nudge_messages.inflight_at \nFROM nudge_messages \nWHERE nudge_messages.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_RELEASE': (
        'UPDATE nudge_messages SET lease_until=NULL, lease_owner=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_RENEW': (
        'UPDATE nudge_messages SET lease_until=? WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('until', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_SENDING': (
        'UPDATE nudge_messages SET inflight_part=?, inflight_at=? WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_SENDING_PUSH': (
        'UPDATE nudge_messages SET lease_until=?, inflight_part=?, inflight_at=? WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('until', 'part', 'at', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_SENT': (
        'UPDATE nudge_messages SET parts_done=max(nudge_messages.parts_done, ?), inflight_part=NULL, inflight_at=NULL WHERE nudge_messages.id = ? AND nudge_messages.lease_owner = ?',
        ('next', 'id', 'token'),
        {},
    ),
    'storage.sql.nudge_delivery:NUDGE_MESSAGES_TAKE': (
        "UPDATE nudge_messages SET lease_until=?, lease_owner=? WHERE nudge_messages.id = ? AND nudge_messages.status = 'pending' AND nudge_messages.next_attempt_at <= ? AND (nudge_messages.lease_until IS NULL OR nudge_messages.lease_until <= ?)",
        ('until', 'token', 'id', 'now', 'start'),
        {},
    ),
    'storage.sql.nudge_delivery:UNKNOWN': (
        "SELECT 'nudge' AS kind, nudge_messages.id \nFROM nudge_messages \nWHERE nudge_messages.status = 'pending' AND nudge_messages.inflight_part IS NOT NULL UNION ALL SELECT 'followup' AS anon_1, nudge_followup_leases.followup_id \nFROM nudge_followup_leases \nWHERE nudge_followup_leases.inflight_part IS NOT NULL",
        (),
        {},
    ),
    'storage.sql.nudges:CANCEL': (
        "UPDATE nudge_messages SET status='cancelled', lease_until=NULL WHERE nudge_messages.id = ?",
        ('id',),
        {},
    ),
    'storage.sql.nudges:CLAIMED': (
        'SELECT nudge_ledger.id, nudge_ledger.workspace, nudge_ledger.owner, nudge_ledger.client_id, nudge_ledger.invoice_id, nudge_ledger.due_on, nudge_ledger.stage, nudge_ledger.overdue_days, nudge_ledger.message_id, nudge_ledger.claimed_at \nFROM nudge_ledger \nWHERE nudge_ledger.invoice_id = ? AND nudge_ledger.due_on = ? AND nudge_ledger.stage = ?',
        ('invoice_id', 'due_on', 'stage'),
        {},
    ),
    'storage.sql.nudges:DEFER': (
        "UPDATE nudge_messages SET next_attempt_at=? WHERE nudge_messages.status = 'pending' AND nudge_messages.platform = ? AND nudge_messages.workspace = ? AND nudge_messages.next_attempt_at < ? AND (nudge_messages.lease_until IS NULL OR nudge_messages.lease_until <= ?)",
        ('until', 'platform', 'workspace', 'until', 'lease_now'),
        {},
    ),
    'storage.sql.nudges:DELIVERABLE': (
        "SELECT nudge_messages.id \nFROM nudge_messages \nWHERE nudge_messages.status = 'pending' AND nudge_messages.id > ? AND nudge_messages.next_attempt_at <= ? AND (nudge_messages.lease_until IS NULL OR nudge_messages.lease_until <= ?) ORDER BY nudge_messages.id\n LIMIT ? OFFSET 0",
        ('after', 'now', 'lease_now', 'limit'),
        {},
    ),
    'storage.sql.nudges:DROP': (
        'DELETE FROM nudge_messages WHERE nudge_messages.id = ? AND NOT (EXISTS (SELECT * \nFROM nudge_ledger \nWHERE nudge_ledger.message_id = ?))',
        ('id', 'id'),
        {},
    ),
    'storage.sql.nudges:DROP_MOVED': (
        'DELETE FROM nudge_messages WHERE nudge_messages.workspace = ? AND nudge_messages.owner = ? AND nudge_messages.client_id = ?',
        ('workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.nudges:EMPTIED': (
        "SELECT DISTINCT m.id \nFROM nudge_messages AS m JOIN nudge_ledger AS l ON l.message_id = m.id \nWHERE l.invoice_id = ? AND m.status = 'pending' AND NOT (EXISTS (SELECT * \nFROM nudge_ledger AS l2 JOIN invoices AS i2 ON i2.id = l2.invoice_id \nWHERE l2.message_id = m.id AND i2.status = 'open' AND i2.id != ?))",
        ('invoice_id', 'invoice_id'),
        {},
    ),
    'storage.sql.nudges:FAILURES': (
        "SELECT l.invoice_id, i.ref, l.stage, m.last_error AS reason, m.error_kind AS kind, m.attempts, m.failed_at \nFROM nudge_ledger AS l JOIN nudge_messages AS m ON m.id = l.message_id JOIN invoices AS i ON i.id = l.invoice_id \nWHERE l.workspace = ? AND l.owner = ? AND m.status = 'failed' AND i.status = 'open' AND l.due_on = i.due_on AND NOT (EXISTS (SELECT * \nFROM nudge_ledger AS l2 JOIN nudge_messages AS m2 ON m2.id = l2.message_id \nWHERE l2.invoice_id = l.invoice_id AND m2.status = 'delivered' AND m2.delivered_at > m.failed_at)) ORDER BY m.failed_at DESC, l.id DESC",
        ('workspace', 'owner'),
        {},
    ),
    'storage.sql.nudges:FORGET_CLAIMS': (
        'DELETE FROM nudge_ledger WHERE nudge_ledger.workspace = ? AND nudge_ledger.owner = ? AND nudge_ledger.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.nudges:FORGET_MESSAGES': (
        'DELETE FROM nudge_messages WHERE nudge_messages.workspace = ? AND nudge_messages.owner = ? AND nudge_messages.client_id = ?',
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.nudges:FOR_DAY': (
        'SELECT nudge_messages.id, nudge_messages.workspace, nudge_messages.owner, nudge_messages.client_id, nudge_messages.local_day, nudge_messages.platform, nudge_messages.status, nudge_messages.attempts, nudge_messages.next_attempt_at, nudge_messages.lease_until, nudge_messages.last_error, nudge_messages.created_at, nudge_messages.delivered_at, nudge_messages.failed_at, nudge_messages.lease_owner, nudge_messages.parts_done, nudge_messages.inflight_part, nudge_messages.inflight_at, nudge_messages.error_kind \nFROM nudge_messages \nWHERE nudge_messages.workspace = ? AND nudge_messages.owner = ? AND nudge_messages.client_id = ? AND nudge_messages.local_day = ?',
        ('workspace', 'owner', 'client_id', 'day'),
        {},
    ),
    'storage.sql.nudges:GET': (
        'SELECT nudge_messages.id, nudge_messages.workspace, nudge_messages.owner, nudge_messages.client_id, nudge_messages.local_day, nudge_messages.platform, nudge_messages.status, nudge_messages.attempts, nudge_messages.next_attempt_at, nudge_messages.lease_until, nudge_messages.last_error, nudge_messages.created_at, nudge_messages.delivered_at, nudge_messages.failed_at, nudge_messages.lease_owner, nudge_messages.parts_done, nudge_messages.inflight_part, nudge_messages.inflight_at, nudge_messages.error_kind \nFROM nudge_messages \nWHERE nudge_messages.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.nudges:ITEMS': (
        'SELECT nudge_ledger.id, nudge_ledger.workspace, nudge_ledger.owner, nudge_ledger.client_id, nudge_ledger.invoice_id, nudge_ledger.due_on, nudge_ledger.stage, nudge_ledger.overdue_days, nudge_ledger.message_id, nudge_ledger.claimed_at \nFROM nudge_ledger \nWHERE nudge_ledger.message_id = ? ORDER BY nudge_ledger.id',
        ('id',),
        {},
    ),
    'storage.sql.nudges:JOIN_DMS': (
        'UPDATE nudge_ledger SET message_id=(SELECT m2.id \nFROM nudge_messages AS m1 JOIN nudge_messages AS m2 ON m2.workspace = m1.workspace AND m2.owner = m1.owner AND m2.local_day = m1.local_day AND m2.client_id = ? \nWHERE m1.id = nudge_ledger.message_id) WHERE nudge_ledger.message_id IN (SELECT nudge_messages.id \nFROM nudge_messages \nWHERE nudge_messages.workspace = ? AND nudge_messages.owner = ? AND nudge_messages.client_id = ?)',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.nudges:MOVE_CLAIMS': (
        'UPDATE nudge_ledger SET client_id=? WHERE nudge_ledger.workspace = ? AND nudge_ledger.owner = ? AND nudge_ledger.client_id = ?',
        ('into_id', 'workspace', 'owner', 'from_id'),
        {},
    ),
    'storage.sql.nudges:MOVE_MESSAGES': (
        'UPDATE nudge_messages SET client_id=? WHERE nudge_messages.workspace = ? AND nudge_messages.owner = ? AND nudge_messages.client_id = ? AND NOT (EXISTS (SELECT * \nFROM nudge_messages AS o \nWHERE o.workspace = nudge_messages.workspace AND o.owner = nudge_messages.owner AND o.client_id = ? AND o.local_day = nudge_messages.local_day))',
        ('into_id', 'workspace', 'owner', 'from_id', 'into_id'),
        {},
    ),
    'storage.sql.nudges:PENDING_LIST': (
        "SELECT nudge_messages.id, nudge_messages.workspace, nudge_messages.owner, nudge_messages.client_id, nudge_messages.local_day, nudge_messages.platform, nudge_messages.status, nudge_messages.attempts, nudge_messages.next_attempt_at, nudge_messages.lease_until, nudge_messages.last_error, nudge_messages.created_at, nudge_messages.delivered_at, nudge_messages.failed_at, nudge_messages.lease_owner, nudge_messages.parts_done, nudge_messages.inflight_part, nudge_messages.inflight_at, nudge_messages.error_kind \nFROM nudge_messages \nWHERE nudge_messages.status = 'pending' ORDER BY nudge_messages.next_attempt_at, nudge_messages.id\n LIMIT ? OFFSET 0",
        ('limit',),
        {},
    ),
    'storage.sql.nudges:SENT_FOR_CLIENT': (
        "SELECT l.invoice_id, i.ref, l.stage, l.overdue_days, m.delivered_at, i.amount_minor, i.currency \nFROM nudge_ledger AS l JOIN nudge_messages AS m ON m.id = l.message_id JOIN invoices AS i ON i.id = l.invoice_id \nWHERE l.workspace = ? AND l.owner = ? AND l.client_id = ? AND m.status = 'delivered' ORDER BY m.delivered_at, l.id",
        ('workspace', 'owner', 'client_id'),
        {},
    ),
    'storage.sql.nudges:SENT_STAGES': (
        'SELECT nudge_ledger.stage \nFROM nudge_ledger \nWHERE nudge_ledger.invoice_id = ? AND nudge_ledger.due_on = ?',
        ('invoice_id', 'due_on'),
        {},
    ),
    'storage.sql.requests:DONE': (
        "INSERT INTO request_answers (workspace, request_key, state, answer, started_at, expires_at) VALUES (?, ?, 'done', ?, ?, ?) ON CONFLICT (workspace, request_key) DO UPDATE SET state = 'done', answer = excluded.answer, started_at = excluded.started_at, expires_at = excluded.expires_at",
        ('workspace', 'key', 'answer', 'started', 'expires'),
        {},
    ),
    'storage.sql.requests:FINISH': (
        "UPDATE request_answers SET state='done', answer=?, expires_at=? WHERE request_answers.workspace = ? AND request_answers.request_key = ?",
        ('answer', 'expires', 'workspace', 'key'),
        {},
    ),
    'storage.sql.requests:PEEK': (
        'SELECT request_answers.state, request_answers.answer, request_answers.started_at \nFROM request_answers \nWHERE request_answers.workspace = ? AND request_answers.request_key = ? AND request_answers.expires_at > ?',
        ('workspace', 'key', 'now'),
        {},
    ),
    'storage.sql.requests:PURGE': (
        'DELETE FROM request_answers WHERE request_answers.expires_at <= ?',
        ('now',),
        {},
    ),
    'storage.sql.requests:READ': (
        'SELECT request_answers.state, request_answers.answer, request_answers.started_at, request_answers.expires_at \nFROM request_answers \nWHERE request_answers.workspace = ? AND request_answers.request_key = ?',
        ('workspace', 'key'),
        {},
    ),
    'storage.sql.requests:RELEASE': (
        'DELETE FROM request_answers WHERE request_answers.workspace = ? AND request_answers.request_key = ?',
        ('workspace', 'key'),
        {},
    ),
    'storage.sql.requests:RUNNING': (
        "INSERT INTO request_answers (workspace, request_key, state, answer, started_at, expires_at) VALUES (?, ?, 'running', ?, ?, ?) ON CONFLICT (workspace, request_key) DO UPDATE SET state = 'running', answer = excluded.answer, started_at = excluded.started_at, expires_at = excluded.expires_at",
        ('workspace', 'key', 'answer', 'started', 'expires'),
        {'answer': None},
    ),
    'storage.sql.routes:INSTALLATION': (
        'SELECT workspace_routes.installation \nFROM workspace_routes \nWHERE workspace_routes.platform = ? AND workspace_routes.workspace = ?',
        ('platform', 'workspace'),
        {},
    ),
    'storage.sql.routes:LEARN': (
        'INSERT INTO people_teams (platform, installation, user, team, seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, installation, user) DO UPDATE SET team = excluded.team, seen_at = excluded.seen_at',
        ('platform', 'installation', 'user', 'team', 'seen_at'),
        {},
    ),
    'storage.sql.routes:REMEMBER': (
        'INSERT INTO workspace_routes (platform, workspace, installation, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, workspace) DO UPDATE SET installation = excluded.installation, seen_at = excluded.seen_at',
        ('platform', 'workspace', 'installation', 'seen_at'),
        {},
    ),
    'storage.sql.routes:TEAM': (
        'SELECT people_teams.team \nFROM people_teams \nWHERE people_teams.platform = ? AND people_teams.installation = ? AND people_teams.user = ?',
        ('platform', 'installation', 'user'),
        {},
    ),
    'storage.sql.users:ALL_USERS': (
        'SELECT users.workspace, users.user, users.platform, users.language, users.timezone, users.send_hour, users.platform_locale, users.platform_timezone, users.created_at, users.display_name, users.signature, users.letter_prompted \nFROM users ORDER BY users.workspace, users.user',
        (),
        {},
    ),
    'storage.sql.users:ENSURE_USER': (
        'INSERT INTO users (workspace, user, platform, send_hour, platform_locale, platform_timezone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace, user) DO UPDATE SET platform_locale = coalesce(excluded.platform_locale, users.platform_locale), platform_timezone = coalesce(excluded.platform_timezone, users.platform_timezone)',
        ('workspace', 'user', 'platform', 'send_hour', 'platform_locale', 'platform_timezone', 'created_at'),
        {},
    ),
    'storage.sql.users:ENSURE_WORKSPACE': (
        'INSERT INTO workspaces (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
        ('id', 'platform', 'created_at'),
        {},
    ),
    'storage.sql.users:GET_USER': (
        'SELECT users.workspace, users.user, users.platform, users.language, users.timezone, users.send_hour, users.platform_locale, users.platform_timezone, users.created_at, users.display_name, users.signature, users.letter_prompted \nFROM users \nWHERE users.workspace = ? AND users.user = ?',
        ('workspace', 'user'),
        {},
    ),
    'storage.sql.users:MARK_PROMPTED': (
        'UPDATE users SET letter_prompted=1 WHERE users.workspace = ? AND users.user = ? AND coalesce(users.letter_prompted, 0) = 0',
        ('workspace', 'user'),
        {},
    ),
    'storage.sql.users:SETTINGS': (
        'SELECT workspaces.settings \nFROM workspaces \nWHERE workspaces.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.users:SETTINGS_LOCKED': (
        'SELECT workspaces.settings \nFROM workspaces \nWHERE workspaces.id = ?',
        ('id',),
        {},
    ),
    'storage.sql.users:SET_DISPLAY_NAME': (
        'UPDATE users SET display_name=? WHERE users.workspace = ? AND users.user = ?',
        ('value', 'workspace', 'user'),
        {},
    ),
    'storage.sql.users:SET_LANGUAGE': (
        'UPDATE users SET language=? WHERE users.workspace = ? AND users.user = ?',
        ('value', 'workspace', 'user'),
        {},
    ),
    'storage.sql.users:SET_SEND_HOUR': (
        'UPDATE users SET send_hour=? WHERE users.workspace = ? AND users.user = ?',
        ('value', 'workspace', 'user'),
        {},
    ),
    'storage.sql.users:SET_SETTINGS': (
        'UPDATE workspaces SET settings=? WHERE workspaces.id = ?',
        ('settings', 'id'),
        {},
    ),
    'storage.sql.users:SET_SIGNATURE': (
        'UPDATE users SET signature=? WHERE users.workspace = ? AND users.user = ?',
        ('value', 'workspace', 'user'),
        {},
    ),
    'storage.sql.users:SET_TIMEZONE': (
        'UPDATE users SET timezone=? WHERE users.workspace = ? AND users.user = ?',
        ('value', 'workspace', 'user'),
        {},
    ),
}

TABLES = {
    'alert_settings': ('workspace', 'owner', 'alerts_on', 'digest_day'),
    'alert_silences': ('workspace', 'owner', 'client_id', 'rule', 'until'),
    'alerts': ('id', 'workspace', 'owner', 'platform', 'client_id', 'kind', 'rule', 'key', 'advice', 'evidence', 'due_at', 'created_at', 'status', 'attempts', 'next_attempt_at', 'last_error', 'delivered_at', 'failed_at', 'lease_until', 'lease_owner', 'parts_done', 'inflight_part', 'inflight_at'),
    'changes': ('id', 'workspace', 'owner', 'entity', 'entity_id', 'client_id', 'action', 'before', 'after', 'changed_at', 'changed_by', 'request_id'),
    'client_settings': ('workspace', 'owner', 'client_id', 'late_fee_percent', 'late_fee_minor', 'late_fee_currency'),
    'clients': ('id', 'workspace', 'owner', 'name', 'name_key', 'terms_days', 'currency', 'email', 'paused', 'paused_until', 'created_at', 'contact', 'request_id'),
    'dialogues': ('id', 'workspace', 'owner', 'platform', 'client_id', 'status', 'step', 'step_no', 'answers', 'history', 'last_action', 'verdict', 'outcome', 'started_at', 'updated_at', 'finished_at'),
    'followups': ('id', 'workspace', 'owner', 'platform', 'client_id', 'kind', 'key', 'due_at', 'payload', 'created_at', 'delivered_at', 'attempts', 'last_error', 'gave_up_at'),
    'import_batches': ('id', 'workspace', 'owner', 'filename', 'table_json', 'mapping_json', 'status', 'result_json', 'created_at', 'request_id'),
    'incidents': ('id', 'workspace', 'owner', 'client_id', 'kind', 'note', 'occurred_at', 'logged_at', 'logged_by', 'source', 'source_ref', 'request_id', 'number', 'deleted_at', 'occurred_on'),
    'invoices': ('id', 'workspace', 'owner', 'client_id', 'ref', 'ref_key', 'amount_minor', 'currency', 'issued_on', 'due_on', 'status', 'snoozed_until', 'paid_on', 'next_nudge_on', 'created_at', 'updated_at', 'request_id'),
    'nudge_followup_leases': ('followup_id', 'lease_until', 'lease_owner', 'parts_done', 'inflight_part', 'inflight_at'),
    'nudge_ledger': ('id', 'workspace', 'owner', 'client_id', 'invoice_id', 'due_on', 'stage', 'overdue_days', 'message_id', 'claimed_at'),
    'nudge_messages': ('id', 'workspace', 'owner', 'client_id', 'local_day', 'platform', 'status', 'attempts', 'next_attempt_at', 'lease_until', 'last_error', 'created_at', 'delivered_at', 'failed_at', 'lease_owner', 'parts_done', 'inflight_part', 'inflight_at', 'error_kind'),
    'payments': ('id', 'workspace', 'owner', 'invoice_id', 'amount_minor', 'currency', 'paid_on', 'recorded_at', 'request_id'),
    'people_teams': ('platform', 'installation', 'user', 'team', 'seen_at'),
    'request_answers': ('workspace', 'request_key', 'state', 'answer', 'started_at', 'expires_at'),
    'schema_versions': ('component', 'version'),
    'users': ('workspace', 'user', 'platform', 'language', 'timezone', 'send_hour', 'platform_locale', 'platform_timezone', 'created_at', 'display_name', 'signature', 'letter_prompted'),
    'workspace_routes': ('platform', 'workspace', 'installation', 'seen_at'),
    'workspaces': ('id', 'platform', 'name', 'settings', 'created_at'),
}
