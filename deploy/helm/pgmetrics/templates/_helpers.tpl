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
{{- if $create }}true{{ end }}
{{- end }}

{{/* The receiver of a target: postgresql, or postgresql/<name>. */}}
{{- define "pgmetrics.receiverName" -}}
{{- if .name }}postgresql/{{ .name }}{{ else }}postgresql{{ end }}
{{- end }}

{{/* Where target number N's CA certificate Secret is mounted. */}}
{{- define "pgmetrics.caMountPath" -}}
/etc/pgmetrics-tls/{{ . }}
{{- end }}

{{/* The environment variable that carries target number N's password. */}}
{{- define "pgmetrics.passwordEnv" -}}
PGMETRICS_TARGET_{{ . }}_PASSWORD
{{- end }}

{{/* The collector config (docs/configuration.md), built from the values, then .Values.config over it. */}}
{{- define "pgmetrics.config" -}}
{{- $receivers := dict }}
{{- range $index, $target := .Values.targets }}
{{- $targetTls := $target.tls | default dict }}
{{- $tls := dict "insecure" ($targetTls.insecure | default false) }}
{{- if $targetTls.insecureSkipVerify }}{{ $_ := set $tls "insecure_skip_verify" true }}{{ end }}
{{- if $targetTls.caSecret }}{{ $_ := set $tls "ca_file" (printf "%s/%s" (include "pgmetrics.caMountPath" $index) ($targetTls.caSecretKey | default "ca.crt")) }}{{ end }}
{{- $receiver := dict "endpoint" $target.endpoint "username" $target.username "password" (printf "${env:%s}" (include "pgmetrics.passwordEnv" $index)) "collection_interval" ($target.collectionInterval | default "60s") "tls" $tls }}
{{- if $target.databases }}{{ $_ := set $receiver "databases" $target.databases }}{{ end }}
{{- if $target.excludeDatabases }}{{ $_ := set $receiver "exclude_databases" $target.excludeDatabases }}{{ end }}
{{- if $.Values.queryMonitoring.enabled }}
{{- $_ := set $receiver "events" (dict "db.server.query_sample" (dict "enabled" true) "db.server.top_query" (dict "enabled" true)) }}
{{- $_ := set $receiver "top_query_collection" (dict "top_n_query" $.Values.queryMonitoring.topN) }}
{{- end }}
{{- $receiver = mustMergeOverwrite $receiver (deepCopy $.Values.receiverConfig) }}
{{- $_ := set $receivers (include "pgmetrics.receiverName" $target) $receiver }}
{{- end }}
{{- $newRelic := dict "region" .Values.newRelic.region "api_key" "${env:NEW_RELIC_LICENSE_KEY}" "compression" .Values.newRelic.compression "temporality" .Values.newRelic.temporality "spool_directory" "/var/lib/pgmetrics/spool" "max_queue_mb" .Values.newRelic.maxQueueMB }}
{{- if .Values.newRelic.endpoint }}{{ $_ := set $newRelic "endpoint" .Values.newRelic.endpoint }}{{ end }}
{{- $telemetry := dict "logs" (dict "level" .Values.logs.level "encoding" .Values.logs.encoding) "health" (dict "endpoint" (printf "0.0.0.0:%d" (int .Values.health.port))) }}
{{- $config := dict "receivers" $receivers "exporters" (dict "newrelic" $newRelic) "service" (dict "exporters" (list "newrelic") "shutdown_timeout" "5s" "telemetry" $telemetry) }}
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
