using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Parley.Features.Knowledge.Extraction;

/// <summary>PDF text through poppler's pdftotext in a child process, with a time limit and an output cap; pages split on form feeds.</summary>
public sealed class PdfExtractor(ExtractionOptions options)
{
    public async Task<ExtractedDocument> ExtractAsync(byte[] pdf, CancellationToken ct)
    {
        var input = Path.Combine(Path.GetTempPath(), $"parley-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(input, pdf, ct);
        try
        {
            var (exit, stdout, stderr) = await RunAsync(input, ct);
            if (exit != 0)
            {
                if (stderr.Contains("password", StringComparison.OrdinalIgnoreCase))
                    throw new ExtractionException("This PDF is password-protected. Upload a copy without a password.");
                throw new ExtractionException($"This PDF is damaged and its text can't be read ({FirstLine(stderr)}).");
            }
            var pages = stdout.Split('\f');
            var sections = pages.Select((text, i) => new Section(i + 1, [], Tidy(text)))
                .Where(s => s.Text.Length > 0).ToList();
            return new ExtractedDocument(null, sections);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string input, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.PdfToTextPath)
        {
            ArgumentList = { "-enc", "UTF-8", "-eol", "unix", input, "-" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ExtractionException("pdftotext could not be started.");
        }
        catch (Win32Exception e)
        {
            throw new ExtractionException("Reading PDFs needs pdftotext from poppler-utils, which is not installed on the server (apt-get install poppler-utils).", e);
        }
        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(options.PdfTimeoutSeconds));
            var stdout = ReadCappedAsync(process.StandardOutput, options.MaxTextBytes, process);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Timed out, or the host is stopping: either way the child must not outlive the run.
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { } // it had just exited
                ct.ThrowIfCancellationRequested();
                throw new ExtractionException($"Reading this PDF took longer than {options.PdfTimeoutSeconds} seconds, so it was stopped.");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, int maxChars, Process process)
    {
        var sb = new StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (sb.Length + read > maxChars)
            {
                process.Kill(entireProcessTree: true);
                throw new ExtractionException($"This PDF holds more than {maxChars / (1024 * 1024)} MB of text, more than one source may have. Split it into smaller files.");
            }
            sb.Append(buffer, 0, read);
        }
        return sb.ToString();
    }

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no details";

    internal static string Tidy(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimEnd())).Trim();
}
