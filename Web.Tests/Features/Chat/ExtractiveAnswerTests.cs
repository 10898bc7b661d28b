using Microsoft.Extensions.AI;
using Parley.Features.Chat;
using Parley.Features.Knowledge.Embedding;

namespace Parley.Tests.Features.Chat;

/// <summary>How the embedded answerer composes an answer from the passages it is given (no model, no database).</summary>
public sealed class ExtractiveAnswerTests
{
    private static string Answer(string question, params string[] passages) => AnswerWith(null, question, passages);

    private static string AnswerWith(SentenceModel? model, string question, params string[] passages) => ExtractiveChatClient.Compose(
    [
        new(ChatRole.System, "<passages>\n" + string.Concat(passages.Select((p, i) => $"<passage id=\"{i + 1}\" source=\"Docs\" section=\"Guide › Kettles\">{System.Net.WebUtility.HtmlEncode(p)}</passage>\n")) + "</passages>"),
        new(ChatRole.User, question),
    ], model);

    [Fact]
    public void With_the_sentence_model_a_sentence_answers_by_meaning_and_an_unrelated_question_is_still_not_found()
    {
        var model = new SentenceModel();
        var answer = AnswerWith(model, "How can I pause my program for a while?",
            "The time module provides clocks. Suspend execution of the calling thread for the given number of seconds. The program name is printed first.");
        Assert.Equal("Suspend execution of the calling thread for the given number of seconds. [1]", answer);
        Assert.Equal(ExtractiveChatClient.NotFound, AnswerWith(model, "What is the capital of Peru?", "Kettles are made in Porto. Descale them monthly."));
    }

    [Fact]
    public void The_sentence_holding_most_of_the_question_answers_without_the_heading_glued_in()
    {
        var answer = Answer("How do I descale the kettle?",
            "Our kettles come in three colours. To descale the kettle, boil a mix of water and citric acid and leave it for an hour. Rinse twice afterwards. Gift wrapping is free in December.");
        Assert.Equal("To descale the kettle, boil a mix of water and citric acid and leave it for an hour. [1]", answer);
        Assert.DoesNotContain("Guide", answer);
    }

    [Fact]
    public void A_how_to_question_is_answered_by_the_sentence_that_names_what_to_call()
    {
        var answer = Answer("How do I encode bytes as base64?",
            "Base64 encoding turns bytes into printable text. Use base64.b64encode(data) to encode the bytes. Padding uses equals signs.");
        Assert.StartsWith("Use base64.b64encode(data) to encode the bytes.", answer);
    }

    [Fact]
    public void Sentences_are_not_cut_after_abbreviations_or_before_code()
    {
        var answer = Answer("Which keyword arguments are accepted?",
            "All keyword arguments passed must match one of the arguments accepted (e.g. actor is not valid), and their order is not important. Gift wrapping is free.");
        Assert.Equal("All keyword arguments passed must match one of the arguments accepted (e.g. actor is not valid), and their order is not important. [1]", answer);
    }

    [Fact]
    public void Neighbours_follow_only_while_they_stay_on_the_question_or_finish_a_colon()
    {
        var answer = Answer("How do I descale the kettle?",
            "To descale the kettle you need:\n- citric acid\n- water\nDescale again after a month of hard water. Gift wrapping is free in December.");
        Assert.Equal("To descale the kettle you need: citric acid water Descale again after a month of hard water. [1]", answer.Replace("\n", " "));
    }

    [Fact]
    public void Whole_identifiers_win_over_their_parts_and_plurals_match()
    {
        var answer = Answer("What does max_retries do?",
            "connect_max_retries sets how often a connection is retried. The retries are spaced out.",
            "max_retries is how many times a failed request is sent again.");
        Assert.StartsWith("max_retries is how many times a failed request is sent again. [2]", answer);
        Assert.StartsWith("Each query", Answer("How do I write queries?", "Each query is written in SQL. Results come back as rows."));
    }

    [Fact]
    public void A_matching_qa_answers_with_its_answer_and_nothing_shared_is_an_honest_not_found()
    {
        Assert.Equal("No, deliveries run Monday to Saturday. [1]", Answer("Do you deliver on Sundays?", "Q: Do you deliver on Sundays?\nA: No, deliveries run Monday to Saturday."));
        Assert.Equal(ExtractiveChatClient.NotFound, Answer("What is the capital of Peru?", "Kettles are made in Porto."));
    }

    [Fact]
    public void Citations_are_labelled_by_the_page_title_without_the_site_name()
    {
        Assert.Equal("json — JSON encoder and decoder", SourceRef.Label("json — JSON encoder and decoder — Python 3.11.2 documentation"));
        Assert.Equal("Pricing", SourceRef.Label("Pricing | Kettle Co"));
        Assert.Equal("Warranty", SourceRef.Label("Warranty"));
        Assert.Equal("A - B", SourceRef.Label("A - B"));
    }
}
