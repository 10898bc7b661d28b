using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Parley.Infrastructure.AI;

/// <summary>
/// Answers from Azure OpenAI (v1 endpoint) or OpenAI through the OpenAI 2.15 SDK, streamed: the SDK's retry policy
/// retries 429 and 5xx before the first byte with backoff, the network timeout caps a silent connection, and the
/// token usage of the final chunk is passed on.
/// </summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly OpenAIClient root;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChatClient> clients = new();
    private readonly AiOptions options;

    public OpenAIChatClient(AiOptions options)
    {
        this.options = options;
        root = OpenAIClients.Create(options);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? chatOptions = null, CancellationToken ct = default)
    {
        var text = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        string? model = null;
        await foreach (var update in GetStreamingResponseAsync(messages, chatOptions, ct))
        {
            text.Append(update.Text);
            model ??= update.ModelId;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, text.ToString())) { ModelId = model, Usage = usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, Microsoft.Extensions.AI.ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var request = new ChatCompletionOptions { Temperature = chatOptions?.Temperature ?? 0.3f, MaxOutputTokenCount = options.MaxAnswerTokens };
        var converted = messages.Select<AiChatMessage, OpenAI.Chat.ChatMessage>(m =>
            m.Role == ChatRole.System ? new SystemChatMessage(m.Text) :
            m.Role == ChatRole.Assistant ? new AssistantChatMessage(m.Text) :
            new UserChatMessage(m.Text)).ToList();
        // The bot's chosen model (a deployment name on Azure), else the configured default.
        var model = string.IsNullOrEmpty(chatOptions?.ModelId) ? options.ChatModel : chatOptions.ModelId;
        var client = clients.GetOrAdd(model, m => root.GetChatClient(m));
        await foreach (var update in client.CompleteChatStreamingAsync(converted, request, ct))
        {
            foreach (var part in update.ContentUpdate)
                if (!string.IsNullOrEmpty(part.Text))
                    yield return new ChatResponseUpdate(ChatRole.Assistant, part.Text) { ModelId = update.Model };
            if (update.Usage is { } u)
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
                {
                    InputTokenCount = u.InputTokenCount, OutputTokenCount = u.OutputTokenCount, TotalTokenCount = u.TotalTokenCount,
                })]) { ModelId = update.Model };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    public void Dispose() { }
}
