// Parley on Azure: everything `azd up` creates, in one resource group, with local modules only.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('The azd environment name; names every resource.')
param environmentName string

@minLength(1)
@description('The Azure region for every resource.')
param location string

@description('The deploying user or principal (azd sets it): Key Vault secrets officer, so a redeploy can update secrets.')
param principalId string = ''

@description('The domain tenants are served under ({slug}.{appDomain}). Empty: the container app\'s own address (no tenant subdomains until a custom wildcard domain is added).')
param appDomain string = ''

@description('The image azd deployed last; empty on the first provision.')
param webImageName string = ''

@description('Chat model deployment: model name, version and capacity (thousands of tokens per minute).')
param chatModelName string = 'gpt-4o-mini'
param chatModelVersion string = '2024-07-18'
param chatModelCapacity int = 30

@description('Embedding model deployment: model name, version, capacity and the vector dimensions the app and the search index use.')
param embeddingModelName string = 'text-embedding-3-small'
param embeddingModelVersion string = '1'
param embeddingModelCapacity int = 30
param embeddingDimensions int = 1536

@description('SMTP server for mail (MailKit). The password is kept in Key Vault.')
param smtpHost string = ''
param smtpPort int = 587
param smtpUser string = ''
@secure()
param smtpPassword string = ''
param mailFrom string = 'no-reply@example.com'

@description('Stripe secret key and the signing secret of the webhook endpoint https://{appDomain}/stripe/webhook, kept in Key Vault. Empty: payments are not set up (the Billing page says so; no test-mode checkout in Production).')
@secure()
param stripeSecretKey string = ''
@secure()
param stripeWebhookSecret string = ''

@description('Replicas of the web app (HTTP scale rule in between).')
@minValue(1)
param minReplicas int = 1
@minValue(1)
param maxReplicas int = 5

@description('PostgreSQL administrator password: generated once and kept in Key Vault.')
@secure()
param postgresAdminPassword string = newGuid()

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: { name: 'id-${token}', location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: { token: token, location: location, tags: tags }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: group
  params: { name: 'cr${token}', location: location, tags: tags, pullPrincipalId: identity.outputs.principalId }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: { name: 'st${token}', location: location, tags: tags, principalId: identity.outputs.principalId }
}

module search 'modules/search.bicep' = {
  name: 'search'
  scope: group
  params: { name: 'srch-${token}', location: location, tags: tags, principalId: identity.outputs.principalId }
}

module openai 'modules/openai.bicep' = {
  name: 'openai'
  scope: group
  params: {
    name: 'oai-${token}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    chatModelName: chatModelName
    chatModelVersion: chatModelVersion
    chatModelCapacity: chatModelCapacity
    embeddingModelName: embeddingModelName
    embeddingModelVersion: embeddingModelVersion
    embeddingModelCapacity: embeddingModelCapacity
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: group
  params: { name: 'psql-${token}', location: location, tags: tags, adminPassword: postgresAdminPassword }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: group
  params: {
    name: 'kv-${token}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    officerPrincipalId: principalId
    databaseConnectionString: 'Host=${postgres.outputs.fqdn};Database=${postgres.outputs.databaseName};Username=${postgres.outputs.adminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
    smtpPassword: smtpPassword
    stripeSecretKey: stripeSecretKey
    stripeWebhookSecret: stripeWebhookSecret
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  scope: group
  params: {
    token: token
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    registryServer: registry.outputs.loginServer
    imageName: webImageName
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    appDomain: appDomain
    databaseSecretUri: vault.outputs.databaseSecretUri
    mailSecretUri: vault.outputs.mailSecretUri
    stripeKeySecretUri: vault.outputs.stripeKeySecretUri
    stripeWebhookSecretUri: vault.outputs.stripeWebhookSecretUri
    blobEndpoint: storage.outputs.blobEndpoint
    blobContainer: storage.outputs.containerName
    searchEndpoint: search.outputs.endpoint
    openAiEndpoint: openai.outputs.endpoint
    chatDeployment: openai.outputs.chatDeployment
    embeddingDeployment: openai.outputs.embeddingDeployment
    embeddingDimensions: embeddingDimensions
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpUser: smtpUser
    mailFrom: mailFrom
  }
}

// azd reads these into .azure/<env>/.env; the app's own settings are set on the container app above.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_ENVIRONMENT_NAME string = app.outputs.environmentName
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output SERVICE_WEB_NAME string = app.outputs.name
output SERVICE_WEB_URI string = app.outputs.uri
output SERVICE_WEB_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output Parley__AppDomain string = app.outputs.appDomain
output Parley__PublicBaseUrl string = app.outputs.publicBaseUrl
