"""Run inside a private mount namespace (see test_full_disk.py): a tiny tmpfs that fills up under a running console.

Prints one JSON object: what the console printed, its exit code, and what the database holds afterwards.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

folder, redflag = sys.argv[1], sys.argv[2]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", folder], check=True)
env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
env.update(REDFLAG_DB=os.path.join(folder, "redflag.db"), LANG="C.UTF-8", LC_ALL="", TZ="UTC")
proc = subprocess.Popen([redflag], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=folder)
proc.stdin.write("/client add Acme\n")
proc.stdin.flush()
seen = ""
while "Acme" not in seen:
    seen += proc.stdout.readline()
filler = os.path.join(folder, "fill")
try:
    with open(filler, "wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
except OSError:
    pass
out, err = proc.communicate("/client add Beta\n/incident Acme haggling noted\n", timeout=60)
os.remove(filler)
conn = sqlite3.connect(env["REDFLAG_DB"])
clients = [r[0] for r in conn.execute("SELECT name FROM clients ORDER BY name")]
conn.close()
print(json.dumps({"rc": proc.returncode, "stdout": seen + out, "stderr": err, "clients": clients}))
