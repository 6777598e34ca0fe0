#!/usr/bin/env bash
# docker-compose's kafka-credentials step, in the apache/kafka image before the broker starts:
# formats the broker's volume with every principal's SCRAM credential (KRaft keeps them in its
# metadata, so they must be there before the first start; the image's own start then finds the
# volume formatted and leaves it). The principals are shipsettle_shared/kafka_access.py's
# (tests/contract/test_docker_compose.py holds the list to it); a password comes from
# KAFKA_PASSWORD_<PRINCIPAL> (upper case, '-' as '_') or is the development placeholder.
set -euo pipefail

data=/var/lib/kafka/data
if [ -f "$data/meta.properties" ]; then
  echo "kafka-credentials: $data is formatted already"
  exit 0
fi

principals=(shipsettle-admin order-svc logistics-svc settlement-svc refund-svc recon-svc)
config=/tmp/format.properties
{
  cat /mnt/shared/config/server.properties
  echo "process.roles=broker,controller"
  echo "node.id=$KAFKA_NODE_ID"
  echo "controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS"
  echo "controller.listener.names=CONTROLLER"
  echo "listeners=$KAFKA_LISTENERS"
  echo "listener.security.protocol.map=$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"
  echo "inter.broker.listener.name=SASL_PLAINTEXT"
  echo "log.dirs=$data"
} >"$config"

scram=()
for principal in "${principals[@]}"; do
  variable="KAFKA_PASSWORD_${principal//-/_}"
  variable="${variable^^}"
  scram+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=${!variable:-$principal-kafka-development-only}]")
done
/opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config "$config" "${scram[@]}"
