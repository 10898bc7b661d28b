namespace Parley.Features.Landing;

/// <summary>The terms of service a workspace agrees to at sign-up; an operator with their own points Parley:TermsUrl at them.</summary>
[RootHost]
public class TermsModel(Microsoft.Extensions.Options.IOptions<Infrastructure.ParleyOptions> options) : PageModel
{
    public IActionResult OnGet() => options.Value.TermsUrl is { Length: > 0 } own ? Redirect(own) : Page();
}
