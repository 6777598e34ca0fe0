#!/usr/bin/env bash
# Single-node Apache Kafka 4.x in KRaft mode on loopback, run from jars fetched from Maven Central.
#
#   deploy/kafka/kafka.sh fetch|start|stop|status|restart
#
# Every verb is idempotent. The log dir (var/kafka/<port>/data) persists across restarts, so a
# broker restart in a fault test keeps its topics and committed offsets. Topics are never
# auto-created: `python -m shipsettle_shared.topics ensure` creates them with stated partitions.
#
# Clients authenticate with SASL/SCRAM-SHA-512 (no TLS yet: loopback only) and are authorised by
# KRaft's StandardAuthorizer with no access where no ACL allows it. Every principal's SCRAM
# credential is written when the storage is formatted (shipsettle_shared/kafka_access.py: one
# per service and the super user shipsettle-admin, which brokers also use between themselves);
# `topics ensure` creates the ACLs. The controller listener takes SASL/PLAIN from the nodes only
# (the admin principal), on loopback.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/deploy/kafka"
libs="$root/.cache/kafka/libs"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
state="$root/var/kafka/$port"
pid_file="$state/kafka.pid"
log_file="$state/kafka.log"
config="$state/server.properties"
heap="${KAFKA_HEAP:-768m}"
# A node of a multi-broker cluster (deploy/kafka/cluster.sh sets these): its id, the controller
# quorum, the replication its internal topics get, and the cluster id every node is formatted with.
node_id="${KAFKA_NODE_ID:-1}"
voters="${KAFKA_QUORUM_VOTERS:-1@127.0.0.1:$controller_port}"
replication="${KAFKA_REPLICATION:-1}"
min_isr=$(( replication > 1 ? 2 : 1 ))
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
python_bin="${SHIPSETTLE_PYTHON:-$root/.venv/bin/python}"
admin_principal="shipsettle-admin"

fetch() {
  if [ -f "$libs/.complete" ] && [ "$libs/.complete" -nt "$here/pom.xml" ]; then
    return 0
  fi
  echo "kafka: fetching jars from Maven Central into $libs" >&2
  rm -rf "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >&2
  touch "$libs/.complete"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

kafka_access() {
  PYTHONPATH="$root/shared" "$python_bin" -m shipsettle_shared.kafka_access "$@"
}

write_config() {
  mkdir -p "$state/data"
  local admin_password
  admin_password="$(kafka_access admin-password)"
  (umask 077; cat >"$config" <<EOF
process.roles=broker,controller
node.id=$node_id
controller.quorum.voters=$voters
listeners=SASL_PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin_principal" password="$admin_password";
# The controller listener cannot use SCRAM (its credentials live in the metadata the controller
# serves), and a PLAINTEXT one is User:ANONYMOUS, which would need to be a super user: then anyone
# reaching the controller port could create ACLs. So nodes authenticate to it with SASL/PLAIN as
# the admin principal, the only user it knows.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$admin_principal" password="$admin_password" user_$admin_principal="$admin_password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$admin_principal
log.dirs=$state/data
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replication
share.coordinator.state.topic.min.isr=$min_isr
default.replication.factor=$replication
min.insync.replicas=$min_isr
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  )
}

format_storage() {
  if [ -f "$state/data/meta.properties" ]; then
    if [ ! -f "$state/scram-formatted" ]; then
      echo "kafka: $state was formatted before SASL/SCRAM and holds no credentials; remove it (its topics and offsets go with it)" >&2
      return 1
    fi
    return 0
  fi
  local cluster_id="${KAFKA_CLUSTER_ID:-}"
  if [ -z "$cluster_id" ]; then
    cluster_id="$("$java_bin" -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  fi
  local scram=()
  mapfile -t scram < <(kafka_access scram-arguments)
  "$java_bin" -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$config" "${scram[@]}" >>"$log_file" 2>&1
  touch "$state/scram-formatted"
}

start() {
  fetch
  if running; then
    echo "kafka: already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
    return 0
  fi
  write_config
  format_storage
  nohup "$java_bin" -Xms256m -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -cp "$libs/*" kafka.Kafka "$config" >>"$log_file" 2>&1 &
  echo $! >"$pid_file"
  # a JVM on two busy CPUs can take a minute to listen: wait up to three
  for _ in $(seq 1 360); do
    if port_open; then
      echo "kafka: running on 127.0.0.1:$port (pid $(cat "$pid_file"), log $log_file)"
      return 0
    fi
    if ! running; then
      echo "kafka: broker exited during start; last log lines:" >&2
      tail -30 "$log_file" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "kafka: not listening on $port after 180 s" >&2
  return 1
}

stop() {
  if ! running; then
    rm -f "$pid_file"
    echo "kafka: not running"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; echo "kafka: stopped"; return 0; }
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  echo "kafka: killed after 30 s"
}

status() {
  if running && port_open; then
    echo "kafka: running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
  else
    echo "kafka: not running"
    return 3
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  *) echo "usage: $0 fetch|start|stop|status|restart" >&2; exit 2 ;;
esac
