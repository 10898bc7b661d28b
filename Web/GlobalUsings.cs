global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.AspNetCore.Mvc.RazorPages;
global using Microsoft.EntityFrameworkCore;
global using Parley.Infrastructure.Data;
global using Htmx;
global using Parley.Infrastructure.Security;
global using Parley.Infrastructure.Web;
