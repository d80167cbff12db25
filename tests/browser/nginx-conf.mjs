// The nginx.conf a test runs nginx with (`nginx -p DIR -c DIR/nginx.conf`):
// one worker, every log, pid and temporary path inside DIR, and `http` the
// test's upstreams and servers (the shipped deploy/nginx snippets included).
export const nginxConf = (dir, http) => `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${http}
}
`;
