{{/* Name of the chart, overridable. */}}
{{- define "consortium-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "consortium-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "consortium-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "consortium-operator.labels" -}}
helm.sh/chart: {{ include "consortium-operator.chart" . }}
{{ include "consortium-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: consortium-operator
{{- end }}

{{- define "consortium-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consortium-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "consortium-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "consortium-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The namespace the operator watches and keeps its identity, Lease and invitations in. */}}
{{- define "consortium-operator.watchNamespace" -}}
{{- default .Release.Namespace .Values.operator.namespace }}
{{- end }}

{{- define "consortium-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The four share kinds: the ones with a decision. */}}
{{- define "consortium-operator.shareResources" -}}
- keyshares
- networkshares
- chaincodeshares
- configproposals
{{- end }}

{{/* Every kind of the operator. */}}
{{- define "consortium-operator.allResources" -}}
- peerpairings
{{ include "consortium-operator.shareResources" . }}
- consortiumnodes
{{- end }}

{{/*
What the operator itself may do, in the namespace it watches and nothing more. The OLM bundle's CSV
(bundle/olm/manifests) carries the same rules; OlmBundleTest keeps them equal.
Nothing is cluster-wide: the operator watches one namespace and does not read CRDs or namespaces.
*/}}
{{- define "consortium-operator.operatorRules" -}}
# The six kinds: watched and reconciled; incoming shares and remote nodes are created by the
# operator, and remote nodes are deleted when their origin stops advertising them.
- apiGroups: ["consortium.io"]
  resources:
    {{- include "consortium-operator.allResources" . | nindent 4 }}
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["consortium.io"]
  resources:
    - peerpairings/status
    - keyshares/status
    - networkshares/status
    - chaincodeshares/status
    - configproposals/status
    - consortiumnodes/status
  verbs: ["get", "update", "patch"]
# Finalizers let a share tell its recipients it was revoked before it goes.
- apiGroups: ["consortium.io"]
  resources:
    - peerpairings/finalizers
    - keyshares/finalizers
    - networkshares/finalizers
    - chaincodeshares/finalizers
    - configproposals/finalizers
    - consortiumnodes/finalizers
  verbs: ["update"]
# Accept policies (PeerPairing spec.acceptPolicy) write spec.decision: the decision guard
# (ValidatingAdmissionPolicy) lets only subjects with this verb do that.
- apiGroups: ["consortium.io"]
  resources:
    {{- include "consortium-operator.shareResources" . | nindent 4 }}
  verbs: ["decide"]
# The instance identity, invitations, and private keys of KeyShares with spec.generate; the
# invitation of a revoked pairing is deleted so that it can never be redeemed.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# The public identity (consortium-instance) and accepted material: public keys, connection
# profiles, genesis files, chaincode packages.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Every transition is an Event on the resource.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
# Leader election: only the Lease holder runs the controllers and the peer link; a clean stop deletes
# the Lease it holds, so that the next leader need not wait for it to expire.
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Accepted CCaaS chaincode runs as a Deployment and a Service in this namespace.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
