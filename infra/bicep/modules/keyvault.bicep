// Key Vault for the app's secrets (database connection string, SMTP password, Stripe keys), read by the app's identity through
// Container Apps Key Vault references. RBAC only; the deploying principal may manage secrets.
import { roles } from 'roles.bicep'

param name string
param location string
param tags object
param readerPrincipalId string
param officerPrincipalId string
@secure()
param databaseConnectionString string
@secure()
param smtpPassword string
@secure()
param stripeSecretKey string
@secure()
param stripeWebhookSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource database 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-connection-string'
  properties: { value: databaseConnectionString }
}

resource smtp 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'smtp-password'
  properties: { value: empty(smtpPassword) ? ' ' : smtpPassword }
}

// Empty Stripe secrets are stored as a space: the app treats a blank key as "payments not set up".
resource stripeKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'stripe-secret-key'
  properties: { value: empty(stripeSecretKey) ? ' ' : stripeSecretKey }
}

resource stripeWebhook 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'stripe-webhook-secret'
  properties: { value: empty(stripeWebhookSecret) ? ' ' : stripeWebhookSecret }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource officer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(officerPrincipalId)) {
  name: guid(vault.id, officerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: officerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

output name string = vault.name
output databaseSecretUri string = database.properties.secretUri
output mailSecretUri string = smtp.properties.secretUri
output stripeKeySecretUri string = stripeKey.properties.secretUri
output stripeWebhookSecretUri string = stripeWebhook.properties.secretUri
