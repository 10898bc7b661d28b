// The Container Apps environment and the Parley web app: HTTPS ingress on 8080, probes on /healthz and /readyz, an
// HTTP scale rule between min and max replicas, secrets as Key Vault references read with the app's identity, and
// every setting the app needs in Production (see ProductionSettings in the app; a test reads them from this template).
param token string
param location string
param tags object
param identityId string
param identityClientId string
param logAnalyticsWorkspaceId string
@secure()
param appInsightsConnectionString string
param registryServer string
param imageName string
param minReplicas int
param maxReplicas int
param appDomain string
param databaseSecretUri string
param mailSecretUri string
param stripeKeySecretUri string
param stripeWebhookSecretUri string
param blobEndpoint string
param blobContainer string
param searchEndpoint string
param openAiEndpoint string
param chatDeployment string
param embeddingDeployment string
param embeddingDimensions int
param smtpHost string
param smtpPort int
param smtpUser string
param mailFrom string

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: last(split(logAnalyticsWorkspaceId, '/'))
}

resource environment 'Microsoft.App/managedEnvironments@2024-10-02-preview' = {
  name: 'cae-${token}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    // The environment's OpenTelemetry agent: apps get OTEL_EXPORTER_OTLP_ENDPOINT and their traces and metrics go to Application Insights.
    appInsightsConfiguration: { connectionString: appInsightsConnectionString }
    openTelemetryConfiguration: {
      tracesConfiguration: { destinations: ['appInsights'] }
      logsConfiguration: { destinations: ['appInsights'] }
    }
  }
}

var name = 'ca-web-${token}'
var host = empty(appDomain) ? '${name}.${environment.properties.defaultDomain}' : appDomain

resource web 'Microsoft.App/containerApps@2024-10-02-preview' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: [
        { name: 'database-connection-string', keyVaultUrl: databaseSecretUri, identity: identityId }
        { name: 'smtp-password', keyVaultUrl: mailSecretUri, identity: identityId }
        { name: 'stripe-secret-key', keyVaultUrl: stripeKeySecretUri, identity: identityId }
        { name: 'stripe-webhook-secret', keyVaultUrl: stripeWebhookSecretUri, identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'web'
          image: empty(imageName) ? 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest' : imageName
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'Parley__ForwardedHeaders', value: 'true' }
            { name: 'Parley__AppDomain', value: host }
            { name: 'Parley__PublicBaseUrl', value: 'https://${host}' }
            { name: 'Parley__ExtraHosts__0', value: '${name}.${environment.properties.defaultDomain}' }
            { name: 'Parley__Database__Provider', value: 'Postgres' }
            { name: 'Parley__Database__ConnectionString', secretRef: 'database-connection-string' }
            { name: 'Parley__Storage__Provider', value: 'AzureBlob' }
            { name: 'Parley__Storage__AzureServiceUri', value: blobEndpoint }
            { name: 'Parley__Storage__AzureContainer', value: blobContainer }
            { name: 'Parley__Search__Provider', value: 'AzureAISearch' }
            { name: 'Parley__Search__Endpoint', value: searchEndpoint }
            { name: 'Parley__Search__Dimensions', value: string(embeddingDimensions) }
            { name: 'Parley__AI__Provider', value: 'OpenAI' }
            { name: 'Parley__AI__Endpoint', value: openAiEndpoint }
            { name: 'Parley__AI__ChatModel', value: chatDeployment }
            { name: 'Parley__AI__EmbeddingModel', value: embeddingDeployment }
            { name: 'Parley__AI__EmbeddingDimensions', value: string(embeddingDimensions) }
            { name: 'Parley__Mail__SmtpHost', value: smtpHost }
            { name: 'Parley__Mail__SmtpPort', value: string(smtpPort) }
            { name: 'Parley__Mail__SmtpUser', value: smtpUser }
            { name: 'Parley__Mail__SmtpPassword', secretRef: 'smtp-password' }
            { name: 'Parley__Mail__From', value: mailFrom }
            { name: 'Parley__Billing__Stripe__SecretKey', secretRef: 'stripe-secret-key' }
            { name: 'Parley__Billing__Stripe__WebhookSecret', secretRef: 'stripe-webhook-secret' }
          ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [{ name: 'http', http: { metadata: { concurrentRequests: '100' } } }]
      }
    }
  }
}

output name string = web.name
output environmentName string = environment.name
output uri string = 'https://${web.properties.configuration.ingress.fqdn}'
output appDomain string = host
output publicBaseUrl string = 'https://${host}'
