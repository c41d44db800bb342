{{- define "pgmetrics.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pgmetrics.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "pgmetrics.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "pgmetrics.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "pgmetrics.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pgmetrics.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: collector
{{- end }}

{{- define "pgmetrics.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "pgmetrics.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pgmetrics.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pgmetrics.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the license key: the one named, else the chart's own (created only when a value is given). */}}
{{- define "pgmetrics.licenseSecret" -}}
{{- default (include "pgmetrics.fullname" .) .Values.newRelic.existingSecret }}
{{- end }}

{{/* Whether the chart creates its Secret: a license key or a password is given as a value. */}}
{{- define "pgmetrics.createSecret" -}}
{{- $create := and .Values.newRelic.licenseKey (not .Values.newRelic.existingSecret) }}
{{- range .Values.targets }}{{ if .password }}{{ $create = true }}{{ end }}{{ end }}
{{- range .Values.pgbouncers }}{{ if .password }}{{ $create = true }}{{ end }}{{ end }}
{{- if $create }}true{{ end }}
{{- end }}

{{/* The receiver of a target: postgresql, or postgresql/<name>. */}}
{{- define "pgmetrics.receiverName" -}}
{{- if .name }}postgresql/{{ .name }}{{ else }}postgresql{{ end }}
{{- end }}

{{/* The receiver of a PgBouncer: pgbouncer, or pgbouncer/<name>. */}}
{{- define "pgmetrics.pgbouncerReceiverName" -}}
{{- if .name }}pgbouncer/{{ .name }}{{ else }}pgbouncer{{ end }}
{{- end }}

{{/* Where PgBouncer number N's CA certificate Secret is mounted. */}}
{{- define "pgmetrics.pgbouncerCaMountPath" -}}
/etc/pgmetrics-tls/pgbouncer-{{ . }}
{{- end }}

{{/* The environment variable that carries PgBouncer number N's password. */}}
{{- define "pgmetrics.pgbouncerPasswordEnv" -}}
PGMETRICS_PGBOUNCER_{{ . }}_PASSWORD
{{- end }}

{{/* The tls block of a receiver from a target's or PgBouncer's tls values; the argument is (list tlsValues caMountPath). */}}
{{- define "pgmetrics.tls" -}}
{{- $values := index . 0 | default dict }}
{{- $tls := dict "insecure" ($values.insecure | default false) }}
{{- if $values.insecureSkipVerify }}{{ $_ := set $tls "insecure_skip_verify" true }}{{ end }}
{{- if $values.caSecret }}{{ $_ := set $tls "ca_file" (printf "%s/%s" (index . 1) ($values.caSecretKey | default "ca.crt")) }}{{ end }}
{{- toJson $tls }}
{{- end }}

{{/* Where target number N's CA certificate Secret is mounted. */}}
{{- define "pgmetrics.caMountPath" -}}
/etc/pgmetrics-tls/{{ . }}
{{- end }}

{{/* The environment variable that carries target number N's password. */}}
{{- define "pgmetrics.passwordEnv" -}}
PGMETRICS_TARGET_{{ . }}_PASSWORD
{{- end }}

{{/*
Where the custom metric files are mounted: beside /etc/pgmetrics, not inside it, because a mount point
inside the config's read-only ConfigMap volume cannot be created by the container runtime.
*/}}
{{- define "pgmetrics.customMetricsMountPath" -}}
/etc/pgmetrics-metrics
{{- end }}

{{/* The ConfigMap the chart renders from customMetrics.files. */}}
{{- define "pgmetrics.customMetricsConfigMap" -}}
{{- printf "%s-metrics" (include "pgmetrics.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The names of the custom metric files (customMetrics.files' keys, then customMetrics.fileNames of
customMetrics.existingConfigMap), as a JSON list; [] when there are none.
*/}}
{{- define "pgmetrics.customMetricsFileNames" -}}
{{- $custom := .Values.customMetrics }}
{{- if and $custom.existingConfigMap (not $custom.fileNames) }}{{ fail "customMetrics.fileNames: list the files of customMetrics.existingConfigMap the receivers should read" }}{{ end }}
{{- if and $custom.fileNames (not $custom.existingConfigMap) }}{{ fail "customMetrics.fileNames: they name files of customMetrics.existingConfigMap, which is empty; put inline files in customMetrics.files" }}{{ end }}
{{- $names := keys ($custom.files | default dict) | sortAlpha }}
{{- range $custom.fileNames }}
{{- if has . $names }}{{ fail (printf "customMetrics.fileNames: %s is also a key of customMetrics.files; the mounted folder can hold only one" .) }}{{ end }}
{{- $names = append $names . }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* The namespaces discovery looks in, as a JSON list: [] (all) with allNamespaces, else the listed ones or the release's. */}}
{{- define "pgmetrics.discoveryNamespaces" -}}
{{- if .Values.discovery.allNamespaces }}[]{{ else }}{{ .Values.discovery.namespaces | default (list .Release.Namespace) | toJson }}{{ end }}
{{- end }}

{{/* The collector config (docs/configuration.md), built from the values, then .Values.config over it. */}}
{{- define "pgmetrics.config" -}}
{{- $receivers := dict }}
{{- $metadataFiles := list }}
{{- range (include "pgmetrics.customMetricsFileNames" . | fromJsonArray) }}
{{- $metadataFiles = append $metadataFiles (printf "%s/%s" (include "pgmetrics.customMetricsMountPath" $) .) }}
{{- end }}
{{- range $index, $target := .Values.targets }}
{{- $tls := include "pgmetrics.tls" (list $target.tls (include "pgmetrics.caMountPath" $index)) | fromJson }}
{{- $receiver := dict "endpoint" $target.endpoint "username" $target.username "password" (printf "${env:%s}" (include "pgmetrics.passwordEnv" $index)) "collection_interval" ($target.collectionInterval | default "60s") "tls" $tls }}
{{- if $target.databases }}{{ $_ := set $receiver "databases" $target.databases }}{{ end }}
{{- if $target.excludeDatabases }}{{ $_ := set $receiver "exclude_databases" $target.excludeDatabases }}{{ end }}
{{- if $.Values.queryMonitoring.enabled }}
{{- $_ := set $receiver "events" (dict "db.server.query_sample" (dict "enabled" true) "db.server.top_query" (dict "enabled" true)) }}
{{- $_ := set $receiver "top_query_collection" (dict "top_n_query" $.Values.queryMonitoring.topN) }}
{{- end }}
{{- with $metadataFiles }}{{ $_ := set $receiver "metadata_files" . }}{{ end }}
{{- $receiver = mustMergeOverwrite $receiver (deepCopy $.Values.receiverConfig) }}
{{- $_ := set $receivers (include "pgmetrics.receiverName" $target) $receiver }}
{{- end }}
{{- /* Kubernetes discovery: one receiver whose targets are annotated Services; its keys are every target's defaults. */}}
{{- with .Values.discovery }}
{{- if .enabled }}
{{- $tls := dict "insecure" (.tls.insecure | default false) }}
{{- if .tls.insecureSkipVerify }}{{ $_ := set $tls "insecure_skip_verify" true }}{{ end }}
{{- $kubernetes := dict "namespaces" (include "pgmetrics.discoveryNamespaces" $ | fromJsonArray) "annotation_prefix" .annotationPrefix }}
{{- $receiver := dict "username" .username "password" "${env:PGMETRICS_DISCOVERY_PASSWORD}" "collection_interval" (.collectionInterval | default "60s") "tls" $tls "discovery" (dict "kubernetes" $kubernetes) }}
{{- with $metadataFiles }}{{ $_ := set $receiver "metadata_files" . }}{{ end }}
{{- if $.Values.queryMonitoring.enabled }}
{{- $_ := set $receiver "events" (dict "db.server.query_sample" (dict "enabled" true) "db.server.top_query" (dict "enabled" true)) }}
{{- $_ := set $receiver "top_query_collection" (dict "top_n_query" $.Values.queryMonitoring.topN) }}
{{- end }}
{{- $receiver = mustMergeOverwrite $receiver (deepCopy $.Values.receiverConfig) }}
{{- $_ := set $receivers "postgresql/discovered" $receiver }}
{{- end }}
{{- end }}
{{- /* PgBouncers: the pgbouncer receiver reads the admin console; receiverConfig and queryMonitoring are PostgreSQL keys and stay off it. */}}
{{- range $index, $pgbouncer := .Values.pgbouncers }}
{{- $tls := include "pgmetrics.tls" (list $pgbouncer.tls (include "pgmetrics.pgbouncerCaMountPath" $index)) | fromJson }}
{{- $receiver := dict "endpoint" $pgbouncer.endpoint "username" $pgbouncer.username "password" (printf "${env:%s}" (include "pgmetrics.pgbouncerPasswordEnv" $index)) "collection_interval" ($pgbouncer.collectionInterval | default "60s") "tls" $tls }}
{{- $_ := set $receivers (include "pgmetrics.pgbouncerReceiverName" $pgbouncer) $receiver }}
{{- end }}
{{- if not $receivers }}{{ fail "targets: empty, and neither pgbouncers nor discovery.enabled: nothing to scrape" }}{{ end }}
{{- $newRelic := dict "region" .Values.newRelic.region "api_key" "${env:NEW_RELIC_LICENSE_KEY}" "compression" .Values.newRelic.compression "temporality" .Values.newRelic.temporality "spool_directory" "/var/lib/pgmetrics/spool" "max_queue_mb" .Values.newRelic.maxQueueMB }}
{{- if .Values.newRelic.endpoint }}{{ $_ := set $newRelic "endpoint" .Values.newRelic.endpoint }}{{ end }}
{{- $telemetry := dict "logs" (dict "level" .Values.logs.level "encoding" .Values.logs.encoding) "health" (dict "endpoint" (printf "0.0.0.0:%d" (int .Values.health.port))) }}
{{- $service := dict "exporters" (list "newrelic") "shutdown_timeout" "5s" "telemetry" $telemetry }}
{{- if gt (int .Values.shards) 1 }}{{ $_ := set $service "sharding" (dict "count" (int .Values.shards)) }}{{ end }}
{{- if gt (int .Values.memoryLimiter.limitMib) 0 }}{{ $_ := set $service "memory_limiter" (dict "limit_mib" (int .Values.memoryLimiter.limitMib)) }}{{ end }}
{{- $config := dict "receivers" $receivers "exporters" (dict "newrelic" $newRelic) "service" $service }}
{{- toYaml (mustMergeOverwrite $config (deepCopy .Values.config)) }}
{{- end }}

{{/* New Relic's data ingest networks by region, from New Relic's "network traffic" page. */}}
{{- define "pgmetrics.newRelicCidrs" -}}
{{- if .Values.newRelic.endpoint }}
{{- if not .Values.networkPolicy.newRelicCidrs }}{{ fail "networkPolicy.newRelicCidrs: set the networks of newRelic.endpoint, or turn networkPolicy.enabled off" }}{{ end }}
{{- end }}
{{- $byRegion := dict "US" (list "162.247.240.0/22" "152.38.128.0/19") "EU" (list "185.221.84.0/22" "212.32.0.0/20") }}
{{- $cidrs := .Values.networkPolicy.newRelicCidrs | default (get $byRegion .Values.newRelic.region) }}
{{- if not $cidrs }}{{ fail (printf "networkPolicy.newRelicCidrs: New Relic's networks for region %s are not built in; set them, or turn networkPolicy.enabled off" .Values.newRelic.region) }}{{ end }}
{{- toJson $cidrs }}
{{- end }}

{{/*
The collector's pod template, shared by the Deployment (one collector) and the StatefulSet (shards > 1).
Call with (dict "root" $ "sharded" bool): a sharded pod learns its index from its name (POD_NAME), and
its spool comes from the StatefulSet's claim template when persistence is on.
*/}}
{{- define "pgmetrics.podTemplate" -}}
{{- $sharded := .sharded }}
{{- $root := .root }}
{{- with .root }}
metadata:
  labels:
    {{- include "pgmetrics.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A changed config rolls the pod.
    checksum/config: {{ include "pgmetrics.config" . | sha256sum }}
    {{- with .Values.customMetrics.files }}
    # So do changed custom metric files given as values (an existing ConfigMap's are reloaded by the collector).
    checksum/custom-metrics: {{ toJson . | sha256sum }}
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "pgmetrics.serviceAccountName" . }}
  # Only Kubernetes discovery calls the API server; otherwise the pod holds no Kubernetes credential.
  automountServiceAccountToken: {{ .Values.discovery.enabled }}
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: pgmetrics
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["run", "--config", "/etc/pgmetrics/pgmetrics.yaml"]
      env:
        {{- if $sharded }}
        # service.sharding takes this replica's index from the ordinal at the end of its pod name.
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        {{- end }}
        - name: NEW_RELIC_LICENSE_KEY
          valueFrom:
            secretKeyRef:
              name: {{ include "pgmetrics.licenseSecret" . }}
              key: {{ .Values.newRelic.existingSecretKey }}
        {{- range $index, $target := .Values.targets }}
        - name: {{ include "pgmetrics.passwordEnv" $index }}
          valueFrom:
            secretKeyRef:
              {{- if $target.password }}
              name: {{ include "pgmetrics.fullname" $root }}
              key: postgresql-password-{{ $index }}
              {{- else }}
              name: {{ ($target.passwordSecret | default dict).name | default (include "pgmetrics.fullname" $root) }}
              key: {{ ($target.passwordSecret | default dict).key | default "postgresql-password" }}
              {{- end }}
        {{- end }}
        {{- range $index, $pgbouncer := .Values.pgbouncers }}
        - name: {{ include "pgmetrics.pgbouncerPasswordEnv" $index }}
          valueFrom:
            secretKeyRef:
              {{- if $pgbouncer.password }}
              name: {{ include "pgmetrics.fullname" $root }}
              key: pgbouncer-password-{{ $index }}
              {{- else }}
              name: {{ ($pgbouncer.passwordSecret | default dict).name | default (include "pgmetrics.fullname" $root) }}
              key: {{ ($pgbouncer.passwordSecret | default dict).key | default "pgbouncer-password" }}
              {{- end }}
        {{- end }}
        {{- if .Values.discovery.enabled }}
        - name: PGMETRICS_DISCOVERY_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ .Values.discovery.passwordSecret.name | default (include "pgmetrics.fullname" $root) }}
              key: {{ .Values.discovery.passwordSecret.key }}
        {{- end }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: health
          containerPort: {{ .Values.health.port }}
          protocol: TCP
      {{- with .Values.probes.liveness }}
      {{- if .enabled }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: health
        {{- toYaml (omit . "enabled") | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- with .Values.probes.readiness }}
      {{- if .enabled }}
      # Not ready while the last scrape or export failed; /readyz names the reasons.
      readinessProbe:
        httpGet:
          path: /readyz
          port: health
        {{- toYaml (omit . "enabled") | nindent 8 }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /etc/pgmetrics
          readOnly: true
        - name: spool
          mountPath: /var/lib/pgmetrics/spool
        {{- range $index, $target := .Values.targets }}
        {{- if ($target.tls | default dict).caSecret }}
        - name: ca-{{ $index }}
          mountPath: {{ include "pgmetrics.caMountPath" $index }}
          readOnly: true
        {{- end }}
        {{- end }}
        {{- range $index, $pgbouncer := .Values.pgbouncers }}
        {{- if ($pgbouncer.tls | default dict).caSecret }}
        - name: pgbouncer-ca-{{ $index }}
          mountPath: {{ include "pgmetrics.pgbouncerCaMountPath" $index }}
          readOnly: true
        {{- end }}
        {{- end }}
        {{- if include "pgmetrics.customMetricsFileNames" . | fromJsonArray }}
        - name: custom-metrics
          mountPath: {{ include "pgmetrics.customMetricsMountPath" . }}
          readOnly: true
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "pgmetrics.fullname" . }}
    {{- if not (and $sharded .Values.persistence.enabled (not .Values.persistence.existingClaim)) }}
    - name: spool
      {{- if .Values.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ .Values.persistence.existingClaim | default (printf "%s-spool" (include "pgmetrics.fullname" .)) }}
      {{- else }}
      emptyDir:
        sizeLimit: {{ .Values.spool.sizeLimit }}
      {{- end }}
    {{- end }}
    {{- range $index, $target := .Values.targets }}
    {{- with ($target.tls | default dict) }}
    {{- if .caSecret }}
    - name: ca-{{ $index }}
      secret:
        secretName: {{ .caSecret }}
        items:
          - key: {{ .caSecretKey | default "ca.crt" }}
            path: {{ .caSecretKey | default "ca.crt" }}
    {{- end }}
    {{- end }}
    {{- end }}
    {{- range $index, $pgbouncer := .Values.pgbouncers }}
    {{- with ($pgbouncer.tls | default dict) }}
    {{- if .caSecret }}
    - name: pgbouncer-ca-{{ $index }}
      secret:
        secretName: {{ .caSecret }}
        items:
          - key: {{ .caSecretKey | default "ca.crt" }}
            path: {{ .caSecretKey | default "ca.crt" }}
    {{- end }}
    {{- end }}
    {{- end }}
    {{- if include "pgmetrics.customMetricsFileNames" . | fromJsonArray }}
    # The custom metric files: the chart's ConfigMap and an existing one, in one folder.
    - name: custom-metrics
      projected:
        sources:
          {{- with .Values.customMetrics.files }}
          - configMap:
              name: {{ include "pgmetrics.customMetricsConfigMap" $root }}
              items:
                {{- range $name, $_ := . }}
                - key: {{ $name }}
                  path: {{ $name }}
                {{- end }}
          {{- end }}
          {{- with .Values.customMetrics.existingConfigMap }}
          - configMap:
              name: {{ . }}
              items:
                {{- range $root.Values.customMetrics.fileNames }}
                - key: {{ . }}
                  path: {{ . }}
                {{- end }}
          {{- end }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
