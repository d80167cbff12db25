#!/usr/bin/env bash
# The demo on PostgreSQL: two collectors on the database MICROTRACK_TEST_PG
# names, behind nginx as a round-robin load balancer on PORT (default 8080),
# the collectors on PORT+1 and PORT+2, with the shipped deploy/nginx/
# snippets. Run by `STORE=postgres ./scripts/demo.sh`, which starts a
# throwaway PostgreSQL for it (scripts/with-postgres.sh). Ctrl-C stops the
# collectors (gracefully) and nginx; with-postgres.sh then stops PostgreSQL
# and deletes its folder.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MICROTRACK_TEST_PG:?run by STORE=postgres ./scripts/demo.sh (scripts/with-postgres.sh sets it)}"
: "${TOKEN_FILE:?the admin token file (scripts/demo.sh makes one)}"
PORT="${PORT:-8080}"
ports=($((PORT + 1)) $((PORT + 2)))

dir=$(mktemp -d /tmp/mt-demo-nginx.XXXXXX)
chmod 755 "$dir"  # nginx's workers run as another user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp deploy/nginx/microtrack-collector-host.conf deploy/nginx/microtrack-proxy-params.conf "$dir/"
sed -e "s/127\.0\.0\.1:8080/127.0.0.1:${ports[0]}/" -e "s/127\.0\.0\.1:8081/127.0.0.1:${ports[1]}/" \
  deploy/nginx/microtrack-collectors.conf > "$dir/microtrack-collectors.conf"
cat > "$dir/nginx.conf" <<EOF
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  include microtrack-collectors.conf;
  server { listen 127.0.0.1:$PORT; include microtrack-collector-host.conf; }
}
EOF

for port in "${ports[@]}"; do
  ./build/native/collector/microtrack-collector --port "$port" --db "$MICROTRACK_TEST_PG" \
    --site web-demo/site --dist dist --dashboard web-demo/dashboard --admin-token-file "$TOKEN_FILE" \
    --trusted-proxies 127.0.0.1 --spool-dir "$dir/spool-$port" --quiet &
  pids+=($!)
done
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "demo: nginx on 127.0.0.1:$PORT in front of collectors on ports ${ports[*]} (PostgreSQL: $MICROTRACK_TEST_PG)" >&2
# Until Ctrl-C, or until one of them stops by itself.
wait -n
