-- DropIndex
DROP INDEX "WebhookDelivery_connectionId_eventId_key";

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "lastWebhookAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "accountId" TEXT NOT NULL,
ADD COLUMN     "hints" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "routedTo" TEXT NOT NULL,
ALTER COLUMN "workspaceId" DROP NOT NULL,
ALTER COLUMN "connectionId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "OAuthFlow" (
    "id" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" "Provider" NOT NULL,
    "verifierCipher" TEXT,
    "redirectUri" TEXT NOT NULL,
    "connectionId" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "pendingTokens" TEXT,
    "keyId" TEXT,
    "accounts" JSONB,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthFlow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OAuthFlow_stateHash_key" ON "OAuthFlow"("stateHash");

-- CreateIndex
CREATE INDEX "OAuthFlow_workspaceId_createdAt_idx" ON "OAuthFlow"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_connectionId_receivedAt_idx" ON "WebhookDelivery"("connectionId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_provider_accountId_eventId_routedTo_key" ON "WebhookDelivery"("provider", "accountId", "eventId", "routedTo");

-- AddForeignKey
ALTER TABLE "OAuthFlow" ADD CONSTRAINT "OAuthFlow_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

