#!/usr/bin/env bash
# Starts private PostgreSQL, Redis and RabbitMQ instances for development by hand (the AppHost does this itself).
#   scripts/dev-infra.sh start DIR PORT_BASE   -> postgres PORT_BASE, redis PORT_BASE+1, rabbitmq PORT_BASE+2 (dist +3)
#   scripts/dev-infra.sh stop  DIR
# Prints the connection strings to use (ConnectionStrings__*).
set -euo pipefail
cmd=$1; dir=$(realpath -m "$2"); base=${3:-0}
pgbin=/usr/lib/postgresql/15/bin
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
start)
  mkdir -p "$dir"
  if [ ! -d "$dir/pg" ]; then
    mkdir -p "$dir/pg"; [ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
    run_pg $pgbin/initdb -D "$dir/pg" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  touch "$dir/pg.log"; [ "$(id -u)" = 0 ] && chown postgres "$dir/pg.log"
  run_pg $pgbin/pg_ctl -D "$dir/pg" -l "$dir/pg.log" -o "-p $base -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300" -w start >/dev/null
  redis-server --port $((base+1)) --bind 127.0.0.1 --save "" --daemonize yes --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
  mkdir -p "$dir/rabbit"; [ "$(id -u)" = 0 ] && chown -R rabbitmq "$dir/rabbit"
  echo "[]." > "$dir/rabbit/enabled_plugins"; [ "$(id -u)" = 0 ] && chown rabbitmq "$dir/rabbit/enabled_plugins"
  export RABBITMQ_NODENAME="dev$base@localhost" RABBITMQ_NODE_PORT=$((base+2)) RABBITMQ_DIST_PORT=$((base+3)) \
    RABBITMQ_MNESIA_BASE="$dir/rabbit/mnesia" RABBITMQ_LOG_BASE="$dir/rabbit/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/rabbit/enabled_plugins" \
    RABBITMQ_PID_FILE="$dir/rabbit/pid" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  nohup rabbitmq-server > "$dir/rabbit.out" 2>&1 &
  for i in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/$((base+2))) 2>/dev/null && break; sleep 0.5; done
  echo "ConnectionStrings__postgres='Host=127.0.0.1;Port=$base;Username=postgres;Password=postgres'"
  echo "ConnectionStrings__redis='127.0.0.1:$((base+1))'"
  echo "ConnectionStrings__eventbus='amqp://guest:guest@127.0.0.1:$((base+2))'"
  ;;
stop)
  run_pg $pgbin/pg_ctl -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  [ -f "$dir/rabbit/pid" ] && kill "$(cat "$dir/rabbit/pid")" 2>/dev/null || true
  ;;
esac
