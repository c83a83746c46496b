"""The deployment files in deploy/ say what the code does: the settings they set are ones the code reads (and
every setting, read or set, is documented), the ports and probe paths are the ones the servers serve, and the
stores are the ones that are safe across replicas.

No cluster runs here (no network, no Kubernetes), so this parses the files and checks them against the code;
tests/production/test_fault.py runs the nginx config itself under faults.
"""
from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
import yaml

from bot import settings
from tests.production.cluster import render_nginx_conf

DEPLOY = settings.PROJECT_ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
#: Settings Rasa itself reads (not in our code).
RASA_SETTINGS = {"SANIC_WORKERS", "RASA_TELEMETRY_ENABLED"}
#: The code whose environment variables a deployment may set.
CODE = ("bot", "channels", "actions", "knowledge", "referrals", "insight", "safety", "replies")


def code_settings() -> set[str]:
    """Every SIGNPOST_/TWILIO_/TELEGRAM_ name written as a string in the application code."""
    names: set[str] = set()
    for folder in CODE:
        for path in (settings.PROJECT_ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"']((?:SIGNPOST|TWILIO|TELEGRAM)_[A-Z0-9_]+)[\"']", path.read_text()))
    return names


def deploy_settings() -> set[str]:
    """Every environment variable the deployment files set (Kubernetes Secret and ConfigMap, compose, env file)."""
    secret = yaml.safe_load((KUBERNETES / "secret.example.yaml").read_text())["stringData"]
    config = find("ConfigMap", "signpost-config")["data"]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env_file = {line.split("=", 1)[0] for line in (DEPLOY / "signpost.env.example").read_text().splitlines()
                if line and not line.startswith("#")}
    return {*secret, *(k for k in config if k.isupper()), *compose["x-signpost"]["environment"], *env_file}


def documentation() -> str:
    """The README and docs/, where settings are explained."""
    root = settings.PROJECT_ROOT
    return "\n".join(path.read_text() for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))])


def kubernetes_documents() -> list[dict]:
    documents = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def find(kind: str, name: str) -> dict:
    matches = [d for d in kubernetes_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"one {kind} {name}"
    return matches[0]


def container(deployment: str) -> dict:
    return find("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]


def test_every_kubernetes_file_parses_and_kustomize_lists_them_all():
    listed = set(yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"])
    files = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == files
    for document in kubernetes_documents():
        assert {"apiVersion", "kind", "metadata"} <= set(document)


def test_settings_in_the_deployment_files_are_ones_the_code_reads():
    known = code_settings() | RASA_SETTINGS
    for required in (settings.TRACKER_URL_ENV, settings.REDIS_URL_ENV, settings.RETENTION_HOURS_ENV,
                     "SIGNPOST_PSEUDONYM_KEY", "SIGNPOST_DATABASE_URL", "SIGNPOST_LOCK_LIFETIME_SECONDS"):
        assert required in known, f"{required} is read by the code"
    secret = yaml.safe_load((KUBERNETES / "secret.example.yaml").read_text())["stringData"]
    config = find("ConfigMap", "signpost-config")["data"]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    compose_env = set(compose["x-signpost"]["environment"])
    env_file = {line.split("=", 1)[0] for line in (DEPLOY / "signpost.env.example").read_text().splitlines()
                if line and not line.startswith("#")}
    variables = [k for k in config if k.isupper()]
    for name in [*secret, *variables, *compose_env, *env_file]:
        assert name in known, f"{name} is set in deploy/ but nothing reads it"
    # The two values that make several servers one service, and the pseudonym key, are in the Secret.
    for name in (settings.TRACKER_URL_ENV, settings.REDIS_URL_ENV, "SIGNPOST_PSEUDONYM_KEY"):
        assert name in secret
    for deployment in ("signpost-rasa", "signpost-actions"):
        sources = container(deployment)["envFrom"]
        assert {"secretRef": {"name": "signpost-secrets"}} in sources
        assert {"configMapRef": {"name": "signpost-config"}} in sources


def test_every_setting_the_code_reads_or_deploy_sets_is_documented():
    """A setting nobody can find is a setting nobody sets: each is named (in backticks) in the README or docs/."""
    docs = documentation()
    missing = sorted(name for name in (code_settings() | deploy_settings()) - RASA_SETTINGS
                     if not re.search(rf"`\$?{name}[`=]", docs))
    assert missing == []


def test_the_redis_prefix_is_one_setting_documented_and_deployed_with_the_codes_default():
    """Every Redis key (locks, channel state, SMS outbox) starts with SIGNPOST_REDIS_PREFIX: the servers of one
    service must agree on it, so the deployment files set it and the docs give the default the code uses."""
    from bot.lock_store import DEFAULT_REDIS_PREFIX, REDIS_PREFIX_ENV
    from channels.sms_outbox import DEFAULT_PREFIX, PREFIX_ENV

    assert REDIS_PREFIX_ENV == PREFIX_ENV == "SIGNPOST_REDIS_PREFIX"
    dedup = (settings.PROJECT_ROOT / "channels" / "dedup.py").read_text()
    assert f'os.environ.get("{REDIS_PREFIX_ENV}", "").strip() or "{DEFAULT_REDIS_PREFIX}"' in dedup
    assert DEFAULT_PREFIX == DEFAULT_REDIS_PREFIX
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert find("ConfigMap", "signpost-config")["data"][REDIS_PREFIX_ENV] == DEFAULT_REDIS_PREFIX
    assert compose["x-signpost"]["environment"][REDIS_PREFIX_ENV] == DEFAULT_REDIS_PREFIX
    production = (settings.PROJECT_ROOT / "docs" / "production.md").read_text()
    [row] = [line for line in production.splitlines() if line.startswith(f"| `{REDIS_PREFIX_ENV}` |")]
    assert f"(default `{DEFAULT_REDIS_PREFIX}`)" in row


def test_the_rasa_servers_use_the_replica_safe_stores_and_reach_the_action_service():
    config = find("ConfigMap", "signpost-config")["data"]
    for endpoints in (yaml.safe_load(config["endpoints.yml"]),
                      yaml.safe_load((DEPLOY / "endpoints.production.yml").read_text())):
        assert endpoints["tracker_store"]["type"] == "bot.tracker_store.PrivateSQLTrackerStore"
        assert endpoints["lock_store"]["type"] == "bot.lock_store.AtomicRedisLockStore"
        assert set(endpoints["tracker_store"]) == {"type"}, "no URL or password in a file"
    kube_url = yaml.safe_load(config["endpoints.yml"])["action_endpoint"]["url"]
    assert kube_url == f"http://signpost-actions:{settings.DEFAULT_ACTIONS_PORT}/webhook"
    credentials = yaml.safe_load(config["credentials.yml"])
    shipped = yaml.safe_load(settings.CREDENTIALS.read_text())
    assert set(shipped) <= set(credentials)


def test_ports_and_probes_match_what_the_servers_serve():
    rasa, actions = container("signpost-rasa"), container("signpost-actions")
    assert rasa["ports"][0]["containerPort"] == settings.DEFAULT_PORT
    assert actions["ports"][0]["containerPort"] == settings.DEFAULT_ACTIONS_PORT
    assert rasa["command"][rasa["command"].index("--port") + 1] == str(settings.DEFAULT_PORT)
    assert actions["command"][actions["command"].index("--port") + 1] == str(settings.DEFAULT_ACTIONS_PORT)
    assert rasa["command"][:4] == ["python", "-m", "bot.rasa_entry", "rasa"], "logs redacted from the start"
    assert actions["command"][:4] == ["python", "-m", "bot.rasa_entry", "rasa_sdk"]
    # Readiness: the health channel (channels/health.py, in the shipped credentials): 503 while the model loads.
    assert "channels.health.HealthInput" in yaml.safe_load(settings.CREDENTIALS.read_text())
    health = (settings.PROJECT_ROOT / "channels" / "health.py").read_text()
    assert '@health.route("/", methods=["GET"])' in health and 'return "health"' in health
    assert rasa["readinessProbe"]["httpGet"]["path"] == "/webhooks/health/"
    assert rasa["startupProbe"]["httpGet"]["path"] == "/webhooks/health/"
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert "5005/webhooks/health/" in " ".join(compose["x-rasa"]["healthcheck"]["test"])
    # rasa-sdk serves /health.
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    for deployment in ("signpost-rasa", "signpost-actions"):
        assert find("Deployment", deployment)["spec"]["replicas"] >= 2
        service = find("Service", deployment)
        assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_compose_runs_two_of_each_behind_the_shipped_nginx_config():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"rasa-1", "rasa-2", "actions-1", "actions-2", "proxy", "postgres", "redis"} <= set(services)
    assert "./nginx/signpost.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    nginx = (DEPLOY / "nginx" / "signpost.conf").read_text()
    for name in ("rasa-1", "rasa-2"):
        assert f"server {name}:{settings.DEFAULT_PORT} " in nginx
        assert services[name]["command"][services[name]["command"].index("--port") + 1] == str(settings.DEFAULT_PORT)
    for name in ("actions-1", "actions-2"):
        assert f"server {name}:{settings.DEFAULT_ACTIONS_PORT} " in nginx
    endpoints = yaml.safe_load((DEPLOY / "endpoints.production.yml").read_text())
    assert endpoints["action_endpoint"]["url"] == "http://proxy:8081/webhook"
    assert "listen 8081;" in nginx and "listen 8080;" in nginx


@pytest.mark.parametrize("ports", [([5005, 5006], [5055, 5056])])
def test_the_config_the_fault_test_runs_is_the_shipped_one_with_local_ports(ports):
    rendered = render_nginx_conf(ports[0], ports[1], 18080, 18081)
    shipped = (DEPLOY / "nginx" / "signpost.conf").read_text()
    assert "rasa-1" not in rendered and "server 127.0.0.1:5006 max_fails=1 fail_timeout=10s;" in rendered
    strip = re.compile(r"\n\s*(server \S+:\d+ .*?;|listen .*?;)")
    assert strip.sub("", rendered) == strip.sub("", shipped), "only upstream servers and listen ports differ"


def test_filled_secrets_stay_out_of_git():
    ignored = Path(settings.PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "deploy/signpost.env" in ignored


# --- client addresses behind the proxy: the per-address limit must be per person, not per proxy ------------------


def public_location() -> str:
    """The `location /` block of the shipped nginx config's public server (the one that listens on 8080)."""
    nginx = (DEPLOY / "nginx" / "signpost.conf").read_text()
    server = nginx[nginx.index("listen 8080;"):]
    return server[server.index("location / {"):server.index("}")]


def forwarded_by_nginx(client_sent: str | None, client: str) -> str:
    """The X-Forwarded-For nginx sends upstream with the shipped config's value, as nginx documents it:
    $proxy_add_x_forwarded_for is the client's own header with the address nginx saw appended; $remote_addr is that
    address alone."""
    [value] = re.findall(r"proxy_set_header\s+X-Forwarded-For\s+(\S+);", public_location())
    assert value in ("$proxy_add_x_forwarded_for", "$remote_addr"), (
        "the header must end with the address nginx saw: channels/limits.py reads the right-most untrusted hop")
    if value == "$proxy_add_x_forwarded_for" and client_sent:
        return f"{client_sent}, {client}"
    return client


def address_seen_by_signpost(peer: str, forwarded_for: str | None, trusted_spec: str) -> str | None:
    """What the REST channel and the widget limit a request by (channels.limits.request_address), for a request
    with these headers from ``peer``, under SIGNPOST_TRUSTED_PROXIES=``trusted_spec``."""
    from types import SimpleNamespace

    from sanic.compat import Header

    from channels.limits import parse_trusted_proxies, request_address

    headers = Header({"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    return request_address(SimpleNamespace(ip=peer, headers=headers), parse_trusted_proxies(trusted_spec))


def test_compose_trusts_exactly_its_pinned_nginx_so_each_person_has_their_own_limit():
    from channels.limits import TRUSTED_PROXIES_ENV, parse_trusted_proxies

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    trusted_spec = compose["x-signpost"]["environment"][TRUSTED_PROXIES_ENV]
    trusted = parse_trusted_proxies(trusted_spec)  # the code's own parser: a typo would stop the servers
    nginx_address = compose["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    [network] = compose["networks"]["default"]["ipam"]["config"]
    subnet, others = ipaddress.ip_network(network["subnet"]), ipaddress.ip_network(network["ip_range"])
    assert ipaddress.ip_address(nginx_address) in subnet and ipaddress.ip_address(nginx_address) not in others, (
        "nginx's pinned address is in the network but outside the range Docker gives other containers")
    assert any(ipaddress.ip_address(nginx_address) in n for n in trusted)
    gateway = next(subnet.hosts())  # Docker's gateway relays some connections: it must not be believed
    assert not any(gateway in n or others.overlaps(n) for n in trusted)

    seen = {client: address_seen_by_signpost(nginx_address, forwarded_by_nginx("198.51.100.1", client), trusted_spec)
            for client in ("203.0.113.7", "203.0.113.8")}
    assert seen == {"203.0.113.7": "203.0.113.7", "203.0.113.8": "203.0.113.8"}, "its own address, not one it sent"
    # Without the setting every person would share nginx's address, and one limit.
    assert {address_seen_by_signpost(nginx_address, forwarded_by_nginx(None, c), "") for c in seen} == {nginx_address}


@pytest.mark.parametrize("controller_pod", [
    "10.244.1.17",  # kind, flannel, AKS kubenet
    "10.42.0.9",  # k3s
    "192.168.45.3",  # Calico's default pool
    "172.20.3.4",  # an EKS VPC in 172.16.0.0/12
    "100.64.3.4",  # EKS custom networking
])
def test_kubernetes_trusts_the_ingress_controllers_pod_network_and_no_public_address(controller_pod):
    """ingress-nginx sends X-Forwarded-For as the one address it saw ($remote_addr unless the cluster sets
    compute-full-forwarded-for); the Rasa pods see the controller's pod address as the peer."""
    from channels.limits import TRUSTED_PROXIES_ENV, parse_trusted_proxies

    trusted_spec = find("ConfigMap", "signpost-config")["data"][TRUSTED_PROXIES_ENV]
    trusted = parse_trusted_proxies(trusted_spec)
    assert not any(network.is_global for network in trusted), "only addresses no one on the internet can have"
    for client in ("203.0.113.7", "2001:db8::7", "81.2.69.160"):
        assert address_seen_by_signpost(controller_pod, client, trusted_spec) == client
    assert address_seen_by_signpost("81.2.69.160", "203.0.113.7", trusted_spec) == "81.2.69.160", (
        "a public peer is never believed about the header")


def test_the_docs_explain_the_trusted_proxies_the_deploy_files_set():
    from channels.limits import TRUSTED_PROXIES_ENV

    production = (settings.PROJECT_ROOT / "docs" / "production.md").read_text()
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert compose["x-signpost"]["environment"][TRUSTED_PROXIES_ENV] in production
    assert find("ConfigMap", "signpost-config")["data"][TRUSTED_PROXIES_ENV] in production


# --- the manifests against Kubernetes' own schemas ----------------------------------------------------------------

#: The Kubernetes API version the manifests are checked against: the newest whose schemas the pinned
#: kubernetes-validate (requirements.lock) ships; everything the manifests use is stable since 1.21.
KUBERNETES_VERSION = "1.28.0"


def kubernetes_validate():
    try:
        from kubernetes_validate.utils import ValidationError, validate
    except ImportError:
        from tests.support.services import unavailable

        unavailable("kubernetes-validate is not installed (requirements.lock pins it: make setup)")
    return validate, ValidationError


# The package's schemas name a draft jsonschema does not know; it validates with the latest, which is right here.
@pytest.mark.filterwarnings("ignore:The metaschema specified by:DeprecationWarning")
def test_every_kubernetes_manifest_is_valid_against_the_kubernetes_schemas():
    """Offline (the schemas come with the package) and strict: an unknown field, such as a misspelt probe, fails,
    as `kubectl apply --validate=strict` would."""
    validate, invalid = kubernetes_validate()
    documents = kubernetes_documents()
    assert {d["kind"] for d in documents} >= {"Deployment", "Service", "ConfigMap", "Secret", "Ingress", "CronJob"}
    for document in documents:
        try:
            validate(document, KUBERNETES_VERSION, strict=True)
        except invalid as error:
            pytest.fail(f"{document['kind']} {document['metadata']['name']}: {error}")
    misspelt = find("Deployment", "signpost-rasa")
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/", "port": 1}}
    with pytest.raises(invalid, match="readinesProbe"):
        validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_sanic_workers_and_the_rasa_memory_are_what_docs_production_says():
    """Each Sanic worker loads its own model, so the memory the Rasa pods ask for holds only for the number of
    workers it was measured with: the files and the docs must say the same."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    workers = {find("ConfigMap", "signpost-config")["data"]["SANIC_WORKERS"],
               compose["x-signpost"]["environment"]["SANIC_WORKERS"]}
    assert workers == {"1"}, "more than one worker per server was never measured"
    production = (settings.PROJECT_ROOT / "docs" / "production.md").read_text()
    assert "`SANIC_WORKERS` is 1" in production and "`SANIC_WORKERS` (1)" in production
    resources = container("signpost-rasa")["resources"]
    request, limit = resources["requests"]["memory"], resources["limits"]["memory"]
    assert request.endswith("Mi") and limit.endswith("Gi")
    assert f"{request[:-2]} MiB memory request and a {limit[:-2]} GiB limit" in production
    measured = re.search(r"one Sanic\s+worker with the model and TensorFlow loaded measured about (\d+) MiB",
                         production)
    assert measured and int(measured[1]) < int(request[:-2]), "the request covers the measured worker"
    readme = (settings.PROJECT_ROOT / "README.md").read_text()
    assert re.search(rf"\| after warm-up \| {measured[1][:2]}\d\d MiB \|", readme), "the figure is README's"
