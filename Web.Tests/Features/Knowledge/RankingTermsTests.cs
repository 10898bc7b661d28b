using Parley.Features.Knowledge.Search;

namespace Parley.Tests.Features.Knowledge;

public class RankingTermsTests
{
    private static BotVectors Bot(int passages, params (string Word, int Df)[] words) =>
        new(Guid.NewGuid(), 1, new long[passages], [], 0, words.ToDictionary(w => w.Word, w => w.Df));

    [Fact]
    public void Words_in_most_passages_are_left_out_while_a_distinctive_word_remains()
    {
        var bot = Bot(100, ("kettle", 90), ("warranty", 4), ("descale", 12));
        Assert.Equal(["warranty", "descale"], LocalSearchIndex.RankingTerms(["kettle", "warranty", "descale"], bot));
    }

    [Fact]
    public void The_rarest_word_is_kept_when_every_word_is_common_and_unknown_short_words_are_dropped()
    {
        var bot = Bot(100, ("kettle", 90), ("water", 60));
        Assert.Equal(["water"], LocalSearchIndex.RankingTerms(["kettle", "water", "zq"], bot));
        // A longer unknown word may still match as a prefix ("refund" → "refunds").
        Assert.Contains("refund", LocalSearchIndex.RankingTerms(["refund", "kettle"], bot));
    }

    [Fact]
    public void At_most_six_words_rank_rarest_first()
    {
        var words = Enumerable.Range(1, 10).Select(i => ($"word{i}", i)).ToArray();
        Assert.Equal(["word1", "word2", "word3", "word4", "word5", "word6"], LocalSearchIndex.RankingTerms(words.Select(w => w.Item1).Reverse().ToList(), Bot(100, words)));
    }
}
