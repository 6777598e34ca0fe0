#!/usr/bin/env bash
# A three-broker Apache Kafka cluster in KRaft mode on loopback, for the chaos run: every node a
# broker and a controller, internal topics replicated 3 times, min.insync.replicas 2, unclean
# leader election off. Built from kafka.sh, one node per port.
#
#   deploy/kafka/cluster.sh start|stop|status|bootstrap          (every node)
#   deploy/kafka/cluster.sh kill-node N|start-node N             (one node, N = 1..3; kill is -9)
#
# KAFKA_CLUSTER_PORT (default 19792) is node 1's broker port; node N listens on
# KAFKA_CLUSTER_PORT + 2(N-1) and its controller on the port after it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${KAFKA_CLUSTER_PORT:-19792}"
nodes=(1 2 3)
state="$root/var/kafka/cluster-$base"

broker_port() { echo $(( base + 2 * ($1 - 1) )); }

voters() {
  local list=() node
  for node in "${nodes[@]}"; do list+=("$node@127.0.0.1:$(( $(broker_port "$node") + 1 ))"); done
  (IFS=,; echo "${list[*]}")
}

cluster_id() {
  mkdir -p "$state"
  if [ ! -f "$state/cluster.id" ]; then
    bash "$root/deploy/kafka/kafka.sh" fetch
    java -cp "$root/.cache/kafka/libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 >"$state/cluster.id"
  fi
  cat "$state/cluster.id"
}

node() {
  local verb="$1" node="$2"
  KAFKA_PORT="$(broker_port "$node")" KAFKA_NODE_ID="$node" KAFKA_QUORUM_VOTERS="$(voters)" \
    KAFKA_REPLICATION=3 KAFKA_CLUSTER_ID="$(cluster_id)" KAFKA_HEAP="${KAFKA_HEAP:-512m}" \
    bash "$root/deploy/kafka/kafka.sh" "$verb"
}

kill_node() {
  local pid_file
  pid_file="$root/var/kafka/$(broker_port "$1")/kafka.pid"
  if [ -f "$pid_file" ]; then
    kill -9 "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
  fi
  echo "kafka cluster: node $1 killed"
}

bootstrap() {
  local list=() node
  for node in "${nodes[@]}"; do list+=("127.0.0.1:$(broker_port "$node")"); done
  (IFS=,; echo "${list[*]}")
}

case "${1:-}" in
  start)
    cluster_id >/dev/null  # once, before the nodes start in parallel: they must share it
    # the nodes wait for each other's quorum, so they start together
    for n in "${nodes[@]}"; do node start "$n" & done
    wait
    ;;
  stop) for n in "${nodes[@]}"; do node stop "$n"; done ;;
  status) for n in "${nodes[@]}"; do node status "$n"; done ;;
  bootstrap) bootstrap ;;
  kill-node) kill_node "${2:?node 1..3}" ;;
  start-node) node start "${2:?node 1..3}" ;;
  *) echo "usage: $0 start|stop|status|bootstrap|kill-node N|start-node N" >&2; exit 2 ;;
esac
